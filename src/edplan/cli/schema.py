"""``edplan schema``: print the JSON Schema of a plan file, for editors and CI."""

from __future__ import annotations

import typer

from edplan.cli.app import command


@command("schema")
def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of the plan file (draft 2020-12), generated from the models.

    Editors check and complete a plan that starts with
    # yaml-language-server: $schema=../schema/plan.schema.json
    (the copy kept in the repository: edplan schema > schema/plan.schema.json).
    """
    from edplan.plan.schema import schema_text

    typer.echo(schema_text(), nl=False)

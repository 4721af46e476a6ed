"""Allow ``python -m edplan``."""

from __future__ import annotations

from edplan.cli import main

main()

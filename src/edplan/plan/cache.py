"""The plan cache: a valid plan stored as JSON, so that a status run need not parse YAML with positions.

Parsing YAML with positions costs far more than the rest of a status run. A valid plan is stored
under the hash of its text and of the code that judged it, so an edit to either misses; a cache
that cannot be read or written is only a slower run. ``cache_dir`` is edplan's cache folder, for
the log's tally cache too.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from edplan.plan.model import Plan

# The modules whose code decides what a valid plan is; an edit to any of them (in a checkout, where
# the version does not move) must miss the cache. A test checks that each of these files exists.
_HERE = Path(__file__).parent
_JUDGING = ("model.py", "checks.py", "load.py", "yaml_safe.py", "document.py", "cache.py")
JUDGES = (*(_HERE / name for name in _JUDGING), _HERE.parent / "units.py")


def cache_dir() -> Path | None:
    if os.environ.get("EDPLAN_NO_CACHE"):
        return None
    configured = os.environ.get("EDPLAN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "edplan"


def cache_key(text: str) -> str:
    from edplan import __version__

    digest = hashlib.sha256(__version__.encode())
    for judge in JUDGES:
        try:
            digest.update(str(judge.stat().st_mtime_ns).encode())
        except OSError:
            pass
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def cache_read(key: str) -> Plan | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"plan-{key}.json").read_bytes()
        return Plan.model_validate_json(data)
    except (OSError, ValidationError, ValueError):
        return None


def cache_write(key: str, plan: Plan) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".plan-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(plan.model_dump_json().encode("utf-8"))
        os.replace(tmp, folder / f"plan-{key}.json")
    except OSError:
        pass  # a cache that cannot be written is only a slower run

"""Pinned outputs, and the scenario they are pinned on: the 2006 plan with a log of a half year.

``check(name, text)`` compares with ``tests/golden/NAME``; run the tests with
``EDPLAN_UPDATE_GOLDEN=1`` to write the files anew after a deliberate change, then read the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (target, value, unit or None, date, source, note)
SCENARIO = [
    ("t01-senior-high-enrol", "7.6", "万人", "2006-06-20", "基教处", "中招计划"),
    ("t02-education-plan", "drafted", None, "2006-03-01", "规划处", ""),
    ("t02-education-plan", "approved", None, "2006-05-20", "规划处", "市政府常务会审议"),
    ("t03-rural-fund", "1.2", "亿元", "2006-03-31", "财务处", "一季度拨付"),
    ("t03-rural-fund", "0.9", "亿元", "2006-06-20", "财务处", "二季度拨付"),
    ("t03-urban-teachers", "420", "名", "2006-04-15", "人事处", "第一批"),
    ("t03-twinned-schools", "100", "对", "2006-05-10", "基教处", ""),
    ("t03-arts-equipment", "130", "所", "2006-06-01", "装备中心", ""),
    ("t03-rural-tech-training", "10", "万人次", "2006-02-28", "成教处", ""),
    ("t08-olympic-model-schools", "50", "所", "2006-06-15", "体卫艺处", "首批命名"),
    ("t16-levy-share", "30", "%", "2006-06-30", "财务处", ""),
    ("t18-worker-training", "60", "万人次", "2006-03-31", "职成处", ""),
    ("t18-worker-training", "70", "万人次", "2006-06-30", "职成处", ""),
    ("t22-village-graduates", "800", "名", "2006-06-30", "学生处", ""),
]


def write_scenario(log: Path) -> Path:
    lines = []
    for i, (target, value, unit, date, source, note) in enumerate(SCENARIO, 1):
        entry = {"id": f"s{i:02d}", "target": target, "value": value}
        if unit:
            entry["unit"] = unit
        # reported the morning after the day the figure describes, as a department would
        recorded = dt.date.fromisoformat(date) + dt.timedelta(days=1)
        entry.update(date=date, source=source, note=note, recorded=f"{recorded.isoformat()}T09:00:00+00:00")
        lines.append(json.dumps({k: v for k, v in entry.items() if v}, ensure_ascii=False) + "\n")
    log.write_text("".join(lines), encoding="utf-8")
    return log


def tidy(text: str) -> str:
    """Output as a person sees it: trailing spaces (Rich pads to the width) do not count."""
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check(name: str, text: str) -> None:
    path = HERE / name
    if os.environ.get("EDPLAN_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with EDPLAN_UPDATE_GOLDEN=1 and read it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from tests/golden/{name}"

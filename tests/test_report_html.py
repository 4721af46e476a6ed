"""The meeting page (``edplan report --output report.html``): its HTML, its colours, and a real browser.

The page is built for the 2006 plan from a small made-up log whose notes and sources hold markup
and a terminal escape sequence. Without Chromium (and poppler's pdftotext) the browser tests are
skipped with the reason; ``.ci/run`` installs them where it can.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from edplan.core.query import Meeting, build_meeting
from edplan.log.entries import Entry
from edplan.log.lines import entry_line
from edplan.render.data import pct
from edplan.render.html import ICONS, browser, charts, chromium, meeting_page, pdf_from_html, run_headless
from edplan.render.html import labels as page_labels
from edplan.render.words import word
from edplan.status.engine import STATUS_ORDER
from tests.conftest import PLAN_2006, ROOT, run

AS_OF, SINCE = dt.date(2006, 7, 1), dt.date(2006, 6, 1)
GENERATED = dt.datetime(2006, 7, 2, 9, 30, tzinfo=dt.UTC)
HOSTILE_NOTE = "<script>alert(1)</script>"
ESCAPE = "\x1b]0;x\x07"
CSS = ROOT / "src" / "edplan" / "render" / "html" / "page.css"
CLI_REPORT = ROOT / "src" / "edplan" / "cli" / "report.py"
REPORT = ("report", "--as-of", "2006-07-01", "--since", "2006-06-01")

# (target, value, unit, date, note, source): a half year, some targets ahead and some behind
LOG = [
    ("t03-rural-fund", "1.2", "亿元", "2006-03-31", "一季度拨付", "财务处"),
    ("t03-rural-fund", "0.9", "亿元", "2006-06-20", "二季度拨付", "财务处"),
    ("t03-urban-teachers", "420", "名", "2006-04-15", "第一批", "人事处"),
    ("t03-arts-equipment", "60", "所", "2006-03-15", "", "装备中心"),
    ("t03-arts-equipment", "70", "所", "2006-06-10", HOSTILE_NOTE, "装备中心"),
    ("t03-rural-tech-training", "10", "万人次", "2006-02-28", "", "成教处"),
    ("t18-worker-training", "60", "万人次", "2006-03-31", "", "职成处"),
    ("t18-worker-training", "70", "万人次", "2006-06-30", "", "职成处"),
    ("t02-education-plan", "drafted", None, "2006-03-01", "", "规划处"),
    ("t02-education-plan", "approved", None, "2006-05-20", "市政府常务会审议", "规划处"),
    ("t01-senior-high-enrol", "7.6", "万人", "2006-06-20", "中招计划", "基教处"),
    ("t22-village-graduates", "800", "名", "2006-06-30", "", "学生处" + ESCAPE),
]

NEEDS_BROWSER = pytest.mark.skipif(
    browser() is None, reason="chromium not installed: apt-get install chromium fonts-noto-cjk to run the browser tests"
)
NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext not installed: apt-get install poppler-utils to read the PDF"
)


def write_log(path: Path, rows: list[tuple[str, str, str | None, str, str, str]]) -> Path:
    lines = [
        entry_line(Entry(f"h{i:02d}", target, value, unit, dt.date.fromisoformat(day), note, source))
        for i, (target, value, unit, day, note, source) in enumerate(rows, 1)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_log(tmp_path_factory.mktemp("log") / "plan.progress.jsonl", LOG)


@pytest.fixture(scope="module")
def meeting(log: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Meeting]:
    # Module-wide, so outside the autouse fixture that keeps the plan cache private: keep it private here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield build_meeting(PLAN_2006, log, AS_OF, SINCE, AS_OF)


@pytest.fixture(scope="module")
def pages(meeting: Meeting) -> dict[str, str]:
    return {
        lang: meeting_page(
            meeting, lang, plan_path="plans/2006.yaml", log_path="plan.progress.jsonl", generated_at=GENERATED
        )
        for lang in ("en", "zh")
    }


class Tree(HTMLParser):
    """Tags as parsed, checked for balance: every element the page opens, it closes, in order."""

    VOID = frozenset(("meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        self.open += [] if tag in self.VOID else [tag]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))  # <rect/>: opens and closes

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.starts if tag == name]


def parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert tree.problems == [] and tree.open == [], (tree.problems[:5], tree.open)
    return tree


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_is_complete_and_self_contained(pages: dict[str, str], meeting: Meeting, lang: str) -> None:
    page = pages[lang]
    assert page.startswith("<!DOCTYPE html>\n")
    tree = parse(page)
    assert tree.tags("html") == [{"lang": "zh-CN" if lang == "zh" else "en"}]
    assert {"charset": "UTF-8"} in tree.tags("meta")
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in tree.tags("meta")
    title = word("report.title", lang, title=meeting.report.plan.title, as_of="2006-07-01")
    assert f"<title>{html.escape(title)}</title>" in page
    # nothing fetched, nothing run: no address, no script, no external resource of any kind
    assert "http://" not in page and "https://" not in page
    assert tree.tags("script") == [] and tree.tags("link") == [] and tree.tags("img") == []
    assert len(tree.tags("style")) == 1
    # one burn-up chart per target needing attention, and the section chart
    assert meeting.attention, "the made-up log must leave something lagging or at risk"
    charts = tree.tags("svg")
    assert len(charts) == len(meeting.attention) + 1
    ids = {a.get("id") for a in tree.tags("title")}
    assert {f"chart-{r.target.id}-title" for r in meeting.attention} <= ids
    # every target in the table (and every entry in its own), each id in a cell that never breaks
    cells = re.findall(r'<td class="id wide" data-label=', page)
    assert len(cells) == len(meeting.report.rows) + len(meeting.recorded)
    assert re.search(r"\.id \{[^}]*white-space: nowrap", page)
    text = "".join(tree.text)
    for row in meeting.report.rows:
        assert row.target.id in text
    for status in STATUS_ORDER:
        assert f"{ICONS[status]}{word(status.value, lang)}" in text  # badges: a shape and the word


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_users_text_is_shown_never_obeyed(pages: dict[str, str], lang: str) -> None:
    page = pages[lang]
    assert HOSTILE_NOTE not in page and "<script" not in page
    assert html.escape(HOSTILE_NOTE) in page  # the note is there, as text
    assert "\x1b" not in page and "\x07" not in page
    assert "学生处\\x1b]0;x\\x07" in page  # the escape sequence is written out, not passed to a terminal
    assert "".join(parse(page).text).count(HOSTILE_NOTE) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_says_what_the_terminal_says(pages: dict[str, str], meeting: Meeting, log: Path, lang: str) -> None:
    """The same headline, section figures and changes as ``edplan report`` in the terminal."""
    text = " ".join("".join(parse(pages[lang]).text).split())
    r = run("--plan", PLAN_2006, "--log", log, "--lang", lang, *REPORT, env={"COLUMNS": "200"})
    assert r.code == 0
    terminal = r.out
    since = word("report.since", lang, since="2006-06-01")
    assert since in text and since in terminal
    for rollup in meeting.report.sections:
        assert rollup.title in text
    completion = word("completion", lang, pct="", expected="")  # "weighted completion ", the figure follows
    shown = re.search(
        re.escape(completion.split("%")[0].split("(")[0].split("（")[0].strip()) + r" (\S+%)", terminal, re.IGNORECASE
    )
    assert shown is not None and shown.group(1) in text
    for row in meeting.attention:
        assert row.target.name in terminal and row.target.name in text
    for change in meeting.changes:
        assert change.row.target.id in text
    assert "generated" in text.lower() or "生成于" in text
    assert "plans/2006.yaml" in text and "2006-07-02 09:30:00+00:00" in text


def test_labels_have_both_languages_with_the_same_fields() -> None:
    for key in page_labels.keys():
        en, zh = page_labels.label(key, "en"), page_labels.label(key, "zh")
        assert en and zh and en != zh, key
        assert sorted(re.findall(r"\{(\w+)\}", en)) == sorted(re.findall(r"\{(\w+)\}", zh)), key


# --- colours -------------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rgb or #rrggbb."""
    hexes = colour.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    channels = [int(hexes[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_function_matches_wcag() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic grey that just fails AA
    assert contrast("#fff", "#fff") == 1


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) for every rule, media blocks flattened; comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    return rules


def colour_pairs(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every text colour the stylesheet sets.

    A rule that sets its own background is checked against it; one that does not may sit on any
    surface of the page (every background set by a rule without a text colour of its own, and the
    page's white), so it is checked against each. SVG text (``fill`` on text) sits on the white chart.
    """
    rules = css_rules(css)
    hex_colour = re.compile(r"#[0-9a-fA-F]{3,6}\b")
    surfaces = {"#ffffff"}
    for _, d in rules:
        background = d.get("background-color")
        if "color" not in d and background and hex_colour.fullmatch(background):
            surfaces.add(background.lower())
    pairs = []
    for selector, d in rules:
        text = d.get("color") or (d.get("fill") if "text" in selector else None)
        if not text or not hex_colour.fullmatch(text):
            continue
        own = d.get("background-color")
        if own:
            pairs.append((selector, text, own))
        elif "color" in d:
            pairs += [(selector, text, surface) for surface in sorted(surfaces)]
        else:
            pairs.append((selector, text, "#ffffff"))
    return pairs


def test_every_text_colour_meets_wcag_aa() -> None:
    css = CSS.read_text(encoding="utf-8")
    # and the rest of the stylesheet's promises: A4 print, unbroken charts, tables that scroll, Chinese fonts first
    assert re.search(r"@page \{ size: A4; margin: [^}]+\}", css) and "break-inside: avoid" in css
    assert "overflow-x: auto" in css and re.search(r'font-family: "Noto Sans CJK SC",', css)
    pairs = colour_pairs(css)
    assert len(pairs) > 20, "the stylesheet's colours were not found"
    assert any(selector == ".st-overdue" for selector, _, _ in pairs)
    weak = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs if contrast(fg, bg) < 4.5]
    assert weak == []


EVERY_KIND = [  # every-feature.yaml: a stable level, "about", a ceiling, checkpoints, negative entries, stages
    *[
        ("t01-senior-high-enrol", "8.2", "万人", "2006-05-01", "", ""),
        ("t01-postgrad-enrol", "6000", "人", "2006-04-01", "", ""),
    ],
    *[("t01-dropout", "0.4", "%", "2006-03-01", "", ""), ("t01-dropout", "0.6", "%", "2006-06-01", "", "")],
    *[("t02-rural-fund", "1", "亿元", "2006-03-01", "", ""), ("t03-rules", "drafted", None, "2006-03-01", "", "")],
    *[
        ("t02-adjustments", "500", "万元", "2006-04-01", "", ""),
        ("t02-adjustments", "-100", "万元", "2006-05-01", "", ""),
    ],
]


def test_every_kind_of_chart_stays_inside_its_frame(tmp_path: Path) -> None:
    plan = ROOT / "tests" / "plans" / "valid" / "every-feature.yaml"
    found = build_meeting(plan, write_log(tmp_path / "log.jsonl", EVERY_KIND), AS_OF, SINCE, AS_OF)
    for row in found.report.rows:
        c = charts.burn_up(row, found.report.plan, AS_OF, "en")
        pairs = [tuple(map(float, p.split(","))) for p in f"{c.actual} {c.expected or ''}".split()]
        pairs += c.dots + ([c.forecast[:2], c.forecast[2:]] if c.forecast else [])
        assert pairs, row.target.id
        for x, y in pairs:
            assert c.left <= x <= c.right and c.top <= y <= c.bottom, (row.target.id, x, y)
        assert all(c.top <= t.at <= c.bottom for t in c.y_ticks) and c.y_ticks
        assert all(c.left <= t.at <= c.right for t in c.x_ticks) and len(c.x_ticks) >= 2
    bars = charts.section_chart(found.report.sections, found.report.total.completion, AS_OF, "zh").bars
    assert all(0 <= b.width <= b.track for b in bars)


# --- a real browser ------------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def page_files(pages: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    for lang, page in pages.items():
        (folder / f"report-{lang}.html").write_text(page, encoding="utf-8")
    return {lang: folder / f"report-{lang}.html" for lang in pages}


@NEEDS_BROWSER
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_wide_and_narrow(page_files: dict[str, Path], lang: str) -> None:
    for width in (1280, 400):
        shot = page_files[lang].with_name(f"report-{lang}-{width}.png")
        run_headless(
            "--hide-scrollbars", f"--screenshot={shot}", f"--window-size={width},2000", page_files[lang].as_uri()
        )
        assert png_size(shot) == (width, 2000)
        assert shot.stat().st_size > 40_000, "a screenshot that small is a blank page"


WIDTH_PROBE = """<script>
const frame = document.getElementById('page');
frame.addEventListener('load', () => {
  const doc = frame.contentDocument, view = frame.contentWindow;
  const fits = doc.documentElement.scrollWidth <= view.innerWidth;
  document.getElementById('result').textContent = (fits ? 'fits ' : 'overflows ') + doc.documentElement.scrollWidth;
});
</script>"""


def width_at_400(page: str, folder: Path) -> str:
    """Lay ``page`` out 400 px wide in a COPY wrapped with a probe, and read what the probe wrote.

    Headless Chromium never makes its own window narrower than 500 px, so the page goes into a
    400 px iframe (srcdoc: same origin as the probe, so the probe may measure it).
    """
    probe = (
        '<!DOCTYPE html><html><body style="margin:0"><p id="result">pending</p>'
        f'<iframe id="page" width="400" height="2000" srcdoc="{html.escape(page, quote=True)}"></iframe>'
        f"{WIDTH_PROBE}</body></html>"
    )
    copy = folder / "probe.html"
    copy.write_text(probe, encoding="utf-8")
    dom = run_headless("--hide-scrollbars", "--virtual-time-budget=5000", "--dump-dom", copy.as_uri())
    found = re.search(r'<p id="result">([^<]*)</p>', dom)
    assert found is not None, dom[:500]
    return found.group(1)


@NEEDS_BROWSER
def test_no_horizontal_overflow_at_400px(pages: dict[str, str], tmp_path: Path) -> None:
    wide = pages["en"].replace("<main>", '<main><div style="width: 900px">too wide</div>', 1)
    assert width_at_400(wide, tmp_path).startswith("overflows"), "the probe must see an overflow"
    for lang in ("en", "zh"):
        assert width_at_400(pages[lang], tmp_path) == "fits 400", lang


def pdf_text(pdf: Path, *pages: str) -> str:
    out = subprocess.run(
        ["pdftotext", *pages, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return "".join(out.split())  # the layout's line breaks and spaces do not matter, the words do


@NEEDS_PDFTOTEXT
@pytest.mark.parametrize("lang", ["en", "zh"])
@NEEDS_BROWSER
def test_print_to_pdf(page_files: dict[str, Path], meeting: Meeting, lang: str) -> None:
    pdf = page_files[lang].with_suffix(".pdf")
    pdf_from_html(page_files[lang], pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False, timeout=30).stdout
    if info:  # pdfinfo comes with pdftotext; A4 is 595 × 842 points
        assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), info
    counts = meeting.report.total.counts
    every = pdf_text(pdf)
    first = pdf_text(pdf, "-f", "1", "-l", "1")
    assert meeting.report.plan.title in every
    assert "".join(meeting.report.sections[0].title.split()) in every
    # page one: the headline strip (each count by its status, the completion) and the section chart
    assert "".join(page_labels.label("page.headline", lang).split()) in first
    for status in STATUS_ORDER:
        said = re.escape("".join(word(status.value, lang).split()))
        assert re.search(rf"(?<!\d){counts[status]}{re.escape(ICONS[status])}?{said}", first), status
    assert "".join(page_labels.label("page.completion", lang).split()) in first
    assert pct(meeting.report.total.completion) in first
    assert "".join(word("report.sections", lang).split()) in first
    assert "".join(meeting.report.sections[-1].title.split()) in first
    for row in meeting.attention:
        assert row.target.id in every


def test_pdf_without_chromium_says_so(
    page_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(chromium, "browser", lambda: None)
    with pytest.raises(RuntimeError, match="chromium not installed"):
        pdf_from_html(page_files["en"], tmp_path / "out.pdf")


def test_pdf_of_a_missing_page_says_so(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        pdf_from_html(tmp_path / "missing.html", tmp_path / "out.pdf")


def test_pdf_when_chromium_fails(page_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(chromium, "browser", lambda: str(fake))
    with pytest.raises(RuntimeError, match="exit code 3: cannot open display"):
        pdf_from_html(page_files["en"], tmp_path / "out.pdf")


# --- the command, once cli/report.py calls meeting_page --------------------------------------------


@pytest.mark.skipif(
    "meeting_page" not in CLI_REPORT.read_text(encoding="utf-8"),
    reason="cli/report.py does not call meeting_page yet",
)
def test_report_output_html_writes_the_page(log: Path, tmp_path: Path, meeting: Meeting) -> None:
    out = tmp_path / "report.html"
    r = run("--plan", PLAN_2006, "--log", log, *REPORT, "--output", out)
    assert (r.code, r.out) == (0, "")
    page = out.read_text(encoding="utf-8")
    tree = parse(page)
    assert '<meta name="viewport"' in page and tree.tags("script") == []
    assert len(tree.tags("svg")) == len(meeting.attention) + 1
    assert html.escape(HOSTILE_NOTE) in page and "\x1b" not in page

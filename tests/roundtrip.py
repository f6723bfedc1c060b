"""Generated captures and the round trip every one of them must survive (issue 17 §1).

The promise: whatever `liveblog import` accepts, `liveblog build` builds, a
second import of the same capture changes no byte, and `liveblog verify`
finds nothing wrong; whatever it refuses, it refuses with one line naming the
file, exit code 1 (2 for a bad option value), and nothing on disk changed.

`captures()` is a hypothesis strategy of (file name, bytes, --captured-at):
text captures in the layouts the importer reads (CNN's 2018-2023 one with
"11:29 a.m. ET, July 8, 2023", the 2024 one with "4:10 PM ET, Tue March 5,
2024", relative times "12 min ago"), with and without title, dek, authors,
Updated line and post count, posts with or without headline, byline and
text, some cut or with a line dropped or repeated; and small saved HTML
pages with schema.org LiveBlogPosting JSON-LD. Dates run from before 1990 to
after 2100, so the refusals are exercised too.

`round_trip(folder, name, data, captured_at)` runs the real command line (in
process, through click's runner) and says which of three outcomes it was:
"built" (imported, built, re-imported unchanged, verified), "refused" (a
clear one-line error, nothing changed) or "bug" (anything else: a traceback,
a build that fails after an import that succeeded, a second import that
changes a byte, a verify that fails, a refusal that changed something or
does not name the file). tests/test_roundtrip.py runs a few hundred;
`make fuzz` (scripts/fuzz.py) runs 10,000 and prints the counts.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st

from generator.cli import main
from sites import snapshot

SITE_TOML = """\
title = "Fuzzed archive"
base_url = "https://example.org/liveblog-archive/"
timezone = "America/New_York"

[zones]
ET = "America/New_York"
CT = "America/Chicago"
BST = "Europe/London"

[topics]
"NATO" = ["NATO"]
"""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORDS = ("Ukraine", "NATO", "officials", "say", "the", "summit", "in", "Vilnius", "Kyiv", "report",
         "gains", "near", "Bakhmut", "president", "talks", "cluster", "munitions", "“quoted”", "it’s",
         "—", "5", "%", "#1", "*stars*", "_under_", "[link]", "<b>", "<script>alert(1)</script>", "&amp;",
         "`code`", "C:\\path", "élan", "东京", "🙂", "a\u00a0b", ">", "1.", "-", "+", "|", "~~x~~")


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # "built", "refused" or "bug"
    detail: str  # the error line, or what went wrong


# Generated captures -------------------------------------------------------------

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)
free_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
headline = st.one_of(words, words, free_text).map(lambda s: s.replace("\n", " ").strip() or "Headline")
paragraph = st.one_of(words.map(lambda s: s + "."), st.lists(words, min_size=2, max_size=3).map(
    lambda s: ". ".join(s) + "."), free_text, st.just("Watch more:"), words.map(lambda s: "• " + s))
moment = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)),
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2110, 12, 31)),
).map(lambda d: d.replace(second=0, microsecond=0))


def _clock(when: datetime, upper: bool) -> str:
    half = ("AM" if when.hour < 12 else "PM") if upper else ("a.m." if when.hour < 12 else "p.m.")
    return f"{when.hour % 12 or 12}:{when.minute:02d} {half}"


def stamp(when: datetime, label: str, layout: str, weekday_shift: int = 0) -> str:
    if layout == "2024":
        weekday = WEEKDAYS[(when.weekday() + weekday_shift) % 7]
        return f"{_clock(when, True)} {label}, {weekday} {MONTHS[when.month - 1]} {when.day}, {when.year}"
    return f"{_clock(when, False)} {label}, {MONTHS[when.month - 1]} {when.day}, {when.year}"


@st.composite
def text_capture(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    layout = draw(st.sampled_from(("2023", "2024")))
    label = draw(st.sampled_from(("ET", "ET", "ET", "CT", "BST", "ET", "CT", "BST", "ET", "XT")))
    start = draw(moment)
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [draw(headline), ""]
    if draw(st.booleans()):
        lines += [f"{MONTHS[start.month - 1]} {start.day}, {start.year} {draw(words)}", ""]
    if draw(st.booleans()):
        lines += [f"By {draw(st.sampled_from(('Ann Author', 'Ann Author and Bob Writer')))}, CNN", ""]
    count = draw(st.integers(min_value=1, max_value=6))
    updated = start + timedelta(hours=count)
    if draw(st.booleans()):
        lines.append(f"Updated {stamp(updated, label, layout)}")
    if draw(st.booleans()):
        lines.append(f"{draw(st.integers(min_value=0, max_value=12))} Posts")
    for number in range(count):
        when = updated - timedelta(minutes=draw(st.integers(min_value=0, max_value=600)))
        kind = draw(st.sampled_from(("absolute", "absolute", "absolute", "relative", "both")))
        shift = draw(st.sampled_from((0, 0, 0, 0, 1)))
        ago = f"{number * 7 + 1} min ago"
        line = {"absolute": stamp(when, label, layout, shift), "relative": ago,
                "both": ago + stamp(when, label, layout, shift)}[kind]
        lines += [line, ""]
        if draw(st.booleans()) or number == 0:
            lines += [draw(headline), ""]
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            lines += ["From CNN's Ann Author in Kyiv", ""]
        for text in draw(st.lists(paragraph, max_size=3)):
            lines += [text, ""]
    data = "\n".join(lines).encode("utf-8")
    cut = draw(st.sampled_from(("none", "none", "none", "cut", "drop", "repeat")))
    if cut == "cut":
        data = data[: draw(st.integers(min_value=1, max_value=max(1, len(data))))]
    elif cut in ("drop", "repeat"):
        split = data.split(b"\n")
        at = draw(st.integers(min_value=0, max_value=len(split) - 1))
        split[at:at + 1] = [] if cut == "drop" else [split[at], split[at]]
        data = b"\n".join(split)
    return "capture.txt", data, draw(captured_at(updated))


def captured_at(near: datetime) -> st.SearchStrategy[str | None]:
    later = near + timedelta(minutes=30)
    given = st.sampled_from(("-04:00", "+00:00", "+05:30")).map(lambda z: later.isoformat() + z)
    return st.sampled_from(("unknown", None, "given", "given", "given", "given", "given", "given",
                            "given", "yesterday")).flatmap(lambda kind: given if kind == "given" else st.just(kind))


def _offset(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(("Z", "+00:00", "-04:00", "+01:00", "+05:45", "", "-04:56:02")))


@st.composite
def html_capture(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    start = draw(moment)
    title = draw(headline)
    updates = []
    for number in range(draw(st.integers(min_value=1, max_value=5))):
        when = start + timedelta(minutes=number * draw(st.integers(min_value=0, max_value=90)))
        update: dict[str, object] = {"@type": "BlogPosting"}
        if draw(st.booleans()):
            update["headline"] = draw(headline)
        if draw(st.integers(min_value=0, max_value=4)):
            update["datePublished"] = when.isoformat() + _offset(draw)
        if draw(st.integers(min_value=0, max_value=4)):
            update["articleBody"] = " ".join(draw(st.lists(paragraph, min_size=1, max_size=3)))
        updates.append(update)
    blog: dict[str, object] = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
                               "headline": title, "liveBlogUpdate": updates}
    if draw(st.booleans()):
        blog["coverageStartTime"] = start.isoformat() + _offset(draw)
    if draw(st.booleans()):
        blog["url"] = "https://example.org/live/" + str(draw(st.integers(min_value=1, max_value=9)))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        blog["datePublished"] = start.isoformat() + _offset(draw)
    script = json.dumps(blog, ensure_ascii=draw(st.booleans())).replace("</", "<\\/")
    page = (f"<!DOCTYPE html><html><head><title>{title}</title>"
            f'<script type="application/ld+json">{script}</script></head>'
            f"<body><h1>{title}</h1></body></html>\n")
    return "page.html", page.encode("utf-8"), draw(captured_at(start))


def captures() -> st.SearchStrategy[tuple[str, bytes, str | None]]:
    return st.one_of(text_capture(), text_capture(), html_capture())


# The round trip -----------------------------------------------------------------

def _run(site: Path, *args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(main, ["--site", str(site), *args])
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stderr, error


def _kept(site: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(site).items()
            if path.startswith(("content/", "captures/", "media/"))}


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line and not line.startswith(("warning:", "note:"))]


def round_trip(folder: Path, name: str, data: bytes, when: str | None) -> Outcome:
    """Import the capture into a new site in `folder`, then build, import again, verify."""
    site = folder / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    capture = folder / name
    capture.write_bytes(data)
    options = ("--captured-at", when) if when is not None else ()
    try:
        before = snapshot(site)
        code, stderr, error = _run(site, "import", str(capture), *options)
        if error is not None:
            return Outcome("bug", "import: " + "".join(traceback.format_exception(error)[-3:]))
        if code != 0:
            lines = _errors(stderr)
            if code not in (1, 2) or not lines or snapshot(site) != before:
                return Outcome("bug", f"import refused badly (exit {code}): {stderr}")
            named = str(capture) in lines[-1] or "--captured-at" in lines[-1]
            if len(lines) > (1 if code == 1 else 3) or not named:
                return Outcome("bug", f"import refusal is not one line naming the file: {stderr}")
            return Outcome("refused", lines[-1])
        imported = _kept(site)
        for step in (("build",), ("import", str(capture), *options), ("verify",)):
            code, stderr, error = _run(site, *step)
            if error is not None:
                return Outcome("bug", f"{step[0]}: " + "".join(traceback.format_exception(error)[-3:]))
            if code != 0:
                return Outcome("bug", f"{step[0]} failed after a successful import: {stderr}")
            if step[0] == "import" and _kept(site) != imported:
                changed = sorted(k for k in set(imported) | set(_kept(site))
                                 if imported.get(k) != _kept(site).get(k))
                return Outcome("bug", f"a second import changed {changed}")
        return Outcome("built", "")
    except Exception as error:  # noqa: BLE001 - an outcome to count, not a crash of the fuzzer
        return Outcome("bug", "".join(traceback.format_exception(error)[-3:]))

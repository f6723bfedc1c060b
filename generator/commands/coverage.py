"""`liveblog verify --coverage`: every sentence of every capture is on its post's page.

Every capture recorded for a blog is read again (by the importer its content
calls for), and every sentence of every post in it must appear in the built
HTML of that post's permalink page (text compared after normalising
whitespace). Posts held back as drafts are not counted: they are not
published on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from generator.content.read import PostReader, load_site
from generator.core.config import Config
from generator.core.errors import Problem, SiteError
from generator.core.model import Site
from generator.core.paths import CONTENT_DIR, read_bytes
from generator.core.urls import Urls
from generator.commands.import_sources import anchor_of
from generator.ingest import sniff
from generator.ingest.record import CapturedPost, Figure, block_texts


@dataclass(frozen=True, slots=True)
class CaptureCoverage:
    capture: str
    posts: int
    posts_found: int
    paragraphs: int
    paragraphs_found: int
    sentences: int
    sentences_found: int

    @property
    def percent(self) -> float:
        return 100.0 * self.sentences_found / self.sentences if self.sentences else 100.0

    def __str__(self) -> str:
        return (f"{self.capture}: {self.posts_found}/{self.posts} posts, "
                f"{self.paragraphs_found}/{self.paragraphs} paragraphs, {self.percent:.1f} %")


@dataclass
class _Tally:
    posts: int = 0
    posts_found: int = 0
    paragraphs: int = 0
    paragraphs_found: int = 0
    sentences: int = 0
    sentences_found: int = 0


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def sentences(text: str) -> list[str]:
    return [s for s in (normalise(part) for part in _SENTENCE_END.split(text)) if s]


class _TextOf(HTMLParser):
    """The visible text of a page's <main>, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._main = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._main += 1
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "li", "figcaption", "span", "h1", "h2", "h3", "div"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._main -= 1
        elif tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._main and not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _TextOf()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return normalise("".join(parser.parts))


def coverage(config: Config, public: Path) -> tuple[tuple[CaptureCoverage, ...], tuple[Problem, ...]]:
    """Each capture's coverage, and every sentence missing from the built pages."""
    try:
        site = load_site(config.root / CONTENT_DIR, config.tz(), drafts=True)
    except SiteError as error:
        return (), (Problem(error.path or CONTENT_DIR, f"cannot check coverage: {error.message}"),)
    where, drafts = _post_pages(site, Urls(config.base_url, site.tz), public)
    results: list[CaptureCoverage] = []
    findings: list[Problem] = []
    for blog in site.blogs:
        for record in blog.captures:
            path = config.root / record.file
            if not path.is_file():
                findings.append(Problem(record.file, "missing: cannot check its coverage"))
                continue
            data = read_bytes(path)
            parsed = sniff.read_one(data, source=record.file, record_offset=record.record_offset,
                                    zones=config.zone_map(), topic_rules=config.rules_map(),
                                    anchor=anchor_of(record), site_zone=config.tz())
            lines = [normalise(line) for line in data.decode("utf-8", errors="replace").split("\n")]
            tally = _Tally()
            for captured in parsed.posts:
                key = f"{record.ref}#{captured.position}"
                if key not in drafts:  # a draft is held back on purpose: not published
                    findings += _post_coverage(captured, record.file, where.get(key), public, lines, tally)
            results.append(CaptureCoverage(record.file, tally.posts, tally.posts_found, tally.paragraphs,
                                           tally.paragraphs_found, tally.sentences, tally.sentences_found))
    return tuple(results), tuple(findings)


def _post_pages(site: Site, urls: Urls, public: Path) -> tuple[dict[str, Path], set[str]]:
    """The built page of every captured copy ("captures/x.txt#3"), and the drafts' copies."""
    where: dict[str, Path] = {}
    drafts: set[str] = set()
    read = PostReader()
    for entry in site.posts:
        post = read.post(entry)
        page = public / urls.file(urls.post(post))
        for source in post.captures:
            where[source] = page
            if post.draft:
                drafts.add(source)
    return where, drafts


def _post_coverage(captured: CapturedPost, capture: str, built: Path | None, public: Path,
                   lines: list[str], tally: _Tally) -> list[Problem]:
    """Count one captured post's sentences found on its page; name each one missing."""
    findings: list[Problem] = []
    tally.posts += 1
    html = page_text(built) if built is not None and built.is_file() else ""
    if not html:
        findings.append(Problem(f"{capture}:{captured.line}", f"post '{captured.title}' has no built page"))
    target = built.relative_to(public).as_posix() if built else "(no page)"
    post_ok = True
    for block in captured.blocks:
        tally.paragraphs += 1
        block_ok = True
        units = [block.caption] + ([block.credit] if block.credit else []) \
            if isinstance(block, Figure) else list(block_texts(block))
        for sentence in (s for unit in units for s in sentences(unit)):
            tally.sentences += 1
            if sentence in html:
                tally.sentences_found += 1
                continue
            block_ok = False
            line = _line_of(sentence, lines, captured.line)
            findings.append(Problem(f"{capture}:{line}", f"missing from {target}: {sentence!r}"))
        tally.paragraphs_found += block_ok
        post_ok = post_ok and block_ok
    tally.posts_found += post_ok and bool(html)
    return findings


def _line_of(sentence: str, lines: list[str], start: int) -> int:
    probe = sentence[:60]
    for number in range(max(start - 1, 0), len(lines)):
        if probe in lines[number]:
            return number + 1
    return start

"""`liveblog verify`: fixity of captures, content and a built site; faithfulness.

Fixity: every raw capture against captures/manifest-sha256.txt and against
the sha256 each blog recorded for it; every content file against
content/manifest-sha256.txt; every file of a built site against its
manifest-sha256.txt. Missing, extra and altered files are named.

Coverage (`--coverage`): every capture recorded for a blog is parsed again,
and every sentence of every post in it must appear in the built HTML of that
post's permalink page (text compared after normalising whitespace).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator.ingest.record import Figure, block_texts
from generator.ingest.text.parse import decode_capture, parse_capture
from generator.core.config import Config
from generator.content.read import PostReader, load_site, read_blog
from generator.core.paths import BLOG_FILE
from generator.core.errors import Problem, SiteError
from generator.core.fixity import MANIFEST, FixityReport, compare, read_manifest, sha256_file, tree_hashes
from generator.core.urls import Urls


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


@dataclass(frozen=True, slots=True)
class VerifyReport:
    findings: tuple[Problem, ...]
    checked: dict[str, int] = field(default_factory=dict)  # what was checked: label -> files
    coverage: tuple[CaptureCoverage, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings


def _fixity_findings(report: FixityReport, prefix: str, manifest: str) -> Iterator[Problem]:
    for path in report.missing:
        yield Problem(prefix + path, f"missing (listed in {manifest})")
    for path in report.extra:
        yield Problem(prefix + path, f"extra (not in {manifest})")
    for path in report.altered:
        yield Problem(prefix + path, f"altered (sha256 differs from {manifest})")


def verify_tree(root: Path, label: str) -> tuple[list[Problem], int]:
    """A folder against its own manifest-sha256.txt."""
    manifest = root / MANIFEST
    recorded = read_manifest(manifest)
    prefix = f"{label}/"
    if recorded is None:
        if not tree_hashes(root, skip=(MANIFEST,) + _ignored(root)):
            return [], 0  # nothing imported yet: nothing to verify
        return [Problem(f"{label}/{MANIFEST}", "missing: cannot verify this folder")], 0
    report = compare(recorded, tree_hashes(root, skip=(MANIFEST,) + _ignored(root)))
    return list(_fixity_findings(report, prefix, f"{label}/{MANIFEST}")), report.checked


def _ignored(root: Path) -> tuple[str, ...]:
    return tuple(p.relative_to(root).as_posix() for p in root.rglob(".*") if p.is_file()
                 and p.name in (".gitkeep", ".DS_Store"))


def verify_sources(config: Config) -> VerifyReport:
    """captures/ and content/ against their manifests and the hashes each blog recorded."""
    root = config.root
    findings: list[Problem] = []
    checked: dict[str, int] = {}
    captures_dir, content_dir = root / "captures", root / "content"
    checked["captures"] = checked["content files"] = 0
    if captures_dir.is_dir():
        found, count = verify_tree(captures_dir, "captures")
        findings += found
        checked["captures"] = count
    if content_dir.is_dir():
        found, count = verify_tree(content_dir, "content")
        findings += found
        checked["content files"] = count
        for blog_file in sorted(content_dir.glob(f"*/{BLOG_FILE}")):
            try:
                blog = read_blog(blog_file)
            except SiteError as error:
                findings.append(Problem(error.path or str(blog_file), f"unreadable: {error.message}"))
                continue
            for record in blog.captures:
                path = root / record.file
                if not path.is_file():
                    findings.append(Problem(record.file, f"missing (recorded in {blog.source})"))
                elif sha256_file(path) != record.sha256:
                    findings.append(Problem(record.file, f"altered (sha256 differs from {blog.source})"))
    return VerifyReport(tuple(findings), checked)


def verify_site(public: Path) -> VerifyReport:
    if not public.is_dir():
        raise SiteError("no built site here", path=public, hint="run `liveblog build` first")
    findings, count = verify_tree(public, public.name)
    return VerifyReport(tuple(findings), {f"{public.name} files": count})


# Coverage -----------------------------------------------------------------------

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
    root = config.root
    try:
        site = load_site(root / "content", config.tz(), drafts=True)
    except SiteError as error:
        return (), (Problem(error.path or "content", f"cannot check coverage: {error.message}"),)
    urls = Urls(config.base_url, site.tz)
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
    results: list[CaptureCoverage] = []
    findings: list[Problem] = []
    for blog in site.blogs:
        for record in blog.captures:
            path = root / record.file
            if not path.is_file():
                findings.append(Problem(record.file, "missing: cannot check its coverage"))
                continue
            text = decode_capture(path.read_bytes(), source=record.file)
            parsed = parse_capture(text, source=record.file, zones=config.zone_map(),
                                   topic_rules=config.rules_map())
            lines = [normalise(line) for line in text.split("\n")]
            posts = posts_found = paragraphs = paragraphs_found = total = found = 0
            for captured in parsed.posts:
                key = f"{record.file}#{captured.position}"
                if key in drafts:
                    continue  # held back on purpose: not published
                posts += 1
                built = where.get(key)
                html = page_text(built) if built is not None and built.is_file() else ""
                if not html:
                    findings.append(Problem(f"{record.file}:{captured.line}",
                                            f"post '{captured.title}' has no built page"))
                post_ok = True
                for block in captured.blocks:
                    paragraphs += 1
                    block_ok = True
                    units = [block.caption] + ([block.credit] if block.credit else []) \
                        if isinstance(block, Figure) else list(block_texts(block))
                    for unit in units:
                        for sentence in sentences(unit):
                            total += 1
                            if sentence in html:
                                found += 1
                                continue
                            block_ok = False
                            line = _line_of(sentence, lines, captured.line)
                            target = built.relative_to(public).as_posix() if built else "(no page)"
                            findings.append(Problem(f"{record.file}:{line}",
                                                    f"missing from {target}: {sentence!r}"))
                    paragraphs_found += block_ok
                    post_ok = post_ok and block_ok
                posts_found += post_ok and bool(html)
            results.append(CaptureCoverage(record.file, posts, posts_found, paragraphs,
                                           paragraphs_found, total, found))
    return tuple(results), tuple(findings)


def _line_of(sentence: str, lines: list[str], start: int) -> int:
    probe = sentence[:60]
    for number in range(max(start - 1, 0), len(lines)):
        if probe in lines[number]:
            return number + 1
    return start

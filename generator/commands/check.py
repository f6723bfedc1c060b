"""`liveblog check`: validate a built site offline.

Reads public/ (never renders): every internal link and #anchor must resolve
under the base path, every feed and sitemap must be well-formed XML, every
sitemap entry must exist, every page needs a <title> and <html lang>. A
search page that loads Pagefind needs its bundle: `bundle-path` and
`base-url` under the base path, and the files the Component UI fetches.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from generator.core.errors import Problem, SiteError

_LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
                    ("source", "src"), ("area", "href"), ("iframe", "src")}


@dataclass(frozen=True, slots=True)
class CheckReport:
    pages: int
    links: int
    problems: tuple[Problem, ...]


@dataclass
class _Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, int]] = field(default_factory=list)  # (url, line)
    has_title: bool = False
    lang: str | None = None
    search_config: tuple[dict[str, str], int] | None = None  # <pagefind-config> and its line


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()
        self._in_title = False
        self._title_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "html":
            self.page.lang = values.get("lang")
        if tag == "title":
            self._in_title = True
        if tag == "pagefind-config":
            self.page.search_config = (values, self.getpos()[0])
        for name, value in values.items():
            if (tag, name) in _LINK_ATTRIBUTES:
                self.page.links.append((value, self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.page.has_title = bool(self._title_text.strip())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text += data


def check_site(root: Path, base_url: str) -> CheckReport:
    if not root.is_dir():
        raise SiteError("no built site here", path=root, hint="run `liveblog build` first")
    split = urlsplit(base_url)
    base_path = split.path if split.path.endswith("/") else split.path + "/"
    origin = f"{split.scheme}://{split.netloc}" if split.netloc else ""
    parsed: dict[str, _Page] = {}
    problems: list[Problem] = []
    html_files = sorted(p for p in root.rglob("*.html") if p.is_file())
    for path in html_files:
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        rel = path.relative_to(root).as_posix()
        parsed[rel] = parser.page
        if not parser.page.has_title:
            problems.append(Problem(rel, "missing <title>"))
        if not parser.page.lang:
            problems.append(Problem(rel, "missing lang on <html>"))

    links = 0
    for rel, page in parsed.items():
        page_url = base_path + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        for url, line in page.links:
            target = _internal_target(url, page_url, base_path, origin)
            if target is None:
                continue
            links += 1
            problem = _resolve(root, parsed, target, base_path)
            if problem:
                problems.append(Problem(f"{rel}:{line}", f"{problem}: {url}"))

    for rel, page in parsed.items():
        if page.search_config is not None:
            links += 1
            problems += _check_search(root, rel, *page.search_config, base_path)

    for xml_path in sorted(root.rglob("*.xml")):
        rel = xml_path.relative_to(root).as_posix()
        try:
            tree = ElementTree.parse(xml_path)
        except ElementTree.ParseError as error:
            problems.append(Problem(rel, f"not well-formed XML: {error}"))
            continue
        if tree.getroot().tag.endswith(("urlset", "sitemapindex")):
            for loc in tree.getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
                target = _internal_target(loc.text or "", base_path, base_path, origin)
                if target is None:
                    problems.append(Problem(rel, f"sitemap entry outside the site: {loc.text}"))
                    continue
                links += 1
                problem = _resolve(root, parsed, target, base_path)
                if problem:
                    problems.append(Problem(rel, f"sitemap entry {problem}: {loc.text}"))
    return CheckReport(pages=len(parsed), links=links, problems=tuple(problems))


# A fragment of URL-encoded parameters (`#url=…&ts=…`, ReplayWeb.page's deep links) is
# state for the page's script, not the id of an element.
_STATE = re.compile(r"[A-Za-z][\w-]*=[^&#]*(&[A-Za-z][\w-]*=[^&#]*)*")


def _internal_target(url: str, page_url: str, base_path: str, origin: str) -> str | None:
    """The site-absolute path (with #fragment) of an internal link, or None for external ones."""
    url = url.strip()
    if not url or url.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if origin and f"{parts.scheme}://{parts.netloc}" == origin and parts.path.startswith(base_path):
            return parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        return None
    if url.startswith("#"):
        return page_url + url
    joined = posixpath.join(posixpath.dirname(page_url) if not page_url.endswith("/") else page_url, parts.path)
    normal = posixpath.normpath(joined) + ("/" if parts.path.endswith("/") else "")
    return normal + (f"#{parts.fragment}" if parts.fragment else "")


def _resolve(root: Path, parsed: dict[str, _Page], target: str, base_path: str) -> str | None:
    path, fragment = urldefrag(target)
    path = unquote(path)
    if not path.startswith(base_path):
        return "points outside the site root"
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    if ".." in rel.split("/"):
        return "points outside the site root"
    file = root / rel
    if not file.is_file():
        if (root / rel / "index.html").is_file():
            rel = f"{rel}/index.html"
        else:
            return "broken link"
    if fragment and rel in parsed and fragment not in parsed[rel].ids and not _STATE.fullmatch(fragment):
        return f"missing anchor #{fragment}"
    return None


# What Pagefind's Component UI fetches from its bundle before the first result.
SEARCH_FILES = ("pagefind-entry.json", "pagefind.js", "pagefind-worker.js", "pagefind-component-ui.js",
                "pagefind-component-ui.css")


def _check_search(root: Path, rel: str, config: dict[str, str], line: int, base_path: str) -> list[Problem]:
    """The search page's `<pagefind-config>`: its paths under the base path, its bundle whole."""
    where = f"{rel}:{line}"
    base_url, bundle = config.get("base-url", ""), config.get("bundle-path", "")
    problems = []
    if base_url != base_path:
        problems.append(Problem(where, f"search base-url {base_url!r} is not the base path {base_path!r}"))
    if not bundle.startswith(base_path) or not bundle.endswith("/") or ".." in bundle.split("/"):
        return [*problems, Problem(where, f"search bundle-path {bundle!r} is not a folder under {base_path!r}")]
    folder = root / unquote(bundle[len(base_path):])
    missing = [name for name in SEARCH_FILES if not (folder / name).is_file()]
    if missing:
        return [*problems, Problem(where, f"the search bundle in {bundle} lacks {', '.join(missing)}")]
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = dict(entry["languages"])
    except (ValueError, KeyError, TypeError) as error:
        return [*problems, Problem(where, f"the search bundle's pagefind-entry.json is unreadable: {error}")]
    for language in languages.values():
        meta = folder / f"pagefind.{language.get('hash')}.pf_meta"
        wasm = folder / f"wasm.{language.get('wasm')}.pagefind"
        for needed in (meta, wasm):
            if not needed.is_file():
                problems.append(Problem(where, f"the search bundle lacks {needed.name}"))
    return problems

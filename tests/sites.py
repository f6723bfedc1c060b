"""Tiny sites for tests, built inline (like MkDocs' tempdir(files=…))."""

from __future__ import annotations

import gzip
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "captures" / "cnn-2023-07-08-russia-ukraine.txt"
SAMPLE_URL = "https://www.cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23/"

SITE_TOML = """\
title = "Test archive"
base_url = "https://example.org/liveblog-archive/"
timezone = "America/New_York"

[zones]
ET = "America/New_York"

[topics]
"NATO" = ["NATO"]
"""

BLOG = """\
---
title: A test live blog
series: Test news
date: 2023-07-08
authors: [Ann Author]
outlet: CNN
updated: 2023-07-08T17:38:00-04:00
declared_posts: 2
archived_posts: 2
---
"""


def post(post_id: str, published: str, title: str = "A post", body: str = "Some text.",
         topics: str = "[Test news]", extra: str = "") -> str:
    return (
        f"---\nid: {post_id}\ntitle: {title}\npublished: {published}\n"
        f"authors: [Ann Author]\ntopics: {topics}\nblog: 2023-07-08-test-news\nposition: 1\n"
        f"{extra}---\n\n{body}\n"
    )


def make_site(root: Path, files: Mapping[str, str] | None = None, *, theme: bool = True,
              site_toml: str = SITE_TOML) -> Path:
    """A site folder: site.toml, empty templates/ and static/ (the theme fills in), and `files`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(site_toml, encoding="utf-8")
    if theme:
        (root / "templates").mkdir(exist_ok=True)
        (root / "static").mkdir(exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path: compare before/after to prove nothing changed."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".venv" not in p.parts
    }


_UNORDERED = re.compile(r"^pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta)$")


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """A snapshot of public/ with the one thing that may differ between equal builds
    made neutral: Pagefind writes a filter's values in the order of a randomly
    seeded hash map, so its filter files (and the meta file and entry naming
    them by their hashes) differ from run to run. They keep their count and
    their sorted bytes (a reordering); every other file must be equal."""
    neutral: dict[str, bytes] = {}
    unordered: dict[str, list[bytes]] = {"filter": [], "meta": []}
    for rel, data in files.items():
        found = _UNORDERED.match(rel)
        if found and found[1].startswith("filter/"):
            unordered["filter"].append(bytes(sorted(gzip.decompress(data))))
        elif found:
            unordered["meta"].append(b"meta")
        elif rel == "pagefind/pagefind-entry.json":
            neutral[rel] = re.sub(rb'"hash":"[^"]+"', b'"hash":"*"', data)
        elif rel == "manifest-sha256.txt":
            neutral[rel] = b"\n".join(line for line in data.splitlines()
                                      if not _UNORDERED.match(line.decode().split("  ", 1)[-1])
                                      and not line.endswith(b"pagefind-entry.json"))
        else:
            neutral[rel] = data
    for kind, values in unordered.items():
        for number, value in enumerate(sorted(values)):
            neutral[f"pagefind/{kind}#{number}"] = value
    return neutral


# The search page's own scripts: Pagefind's Component UI, ours (static/search.js), and
# the result template (data, not run). No other page has a script but JSON-LD.
_SEARCH_SCRIPTS = re.compile(
    r'<script src="/liveblog-archive/(?:pagefind/pagefind-component-ui|static/search)\.js" defer></script>'
    r'|<script type="text/pagefind-template">.*?</script>', re.DOTALL)


_SEARCH_BOX = re.compile(r'<search class="site-search">\s*<form action="/liveblog-archive/search/" method="get">'
                         r'.*?</form>\s*</search>', re.DOTALL)


def without_search_scripts(rel: str, text: str) -> str:
    """`text` of the page at `rel` without the site's own search markup: the header's
    search form (every page) and the search page's scripts (only there)."""
    text = _SEARCH_BOX.sub("", text, count=1)
    return _SEARCH_SCRIPTS.sub("", text) if rel == "search/index.html" else text

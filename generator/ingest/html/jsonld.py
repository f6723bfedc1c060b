"""schema.org JSON-LD in a page → the LiveBlogPosting it describes. Pure.

Every `<script type="application/ld+json">` block is read: an object, a list,
an `@graph`, objects nested under `mainEntity` and the like, `@type` as a
string or a list. JSON-LD is a hint, not the truth (ingest/html/__init__.py
decides what to believe): this module only reads what it says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from generator.core.dates import plausible
from generator.ingest.html.body import text_of

MAX_NODES = 100_000  # JSON values walked per page: a bound on hostile input

_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


@dataclass(frozen=True, slots=True)
class LdUpdate:
    headline: str | None
    published: datetime | None
    modified: datetime | None
    authors: tuple[str, ...]
    body: str | None  # articleBody: plain text, often cut short
    url: str | None
    id: str | None  # @id


@dataclass(frozen=True, slots=True)
class LdBlog:
    headline: str | None
    url: str | None
    start: datetime | None  # coverageStartTime, else datePublished
    end: datetime | None  # coverageEndTime
    modified: datetime | None
    publisher: str | None
    authors: tuple[str, ...]
    updates: tuple[LdUpdate, ...]  # in the page's order


def live_blog(scripts: list[str]) -> LdBlog | None:
    """The first LiveBlogPosting in the page's JSON-LD blocks, if any."""
    for source in scripts:
        data = _load(source)
        if data is None:
            continue
        for node in _objects(data):
            if "LiveBlogPosting" in _types(node):
                return _blog(node)
    return None


def moment(value: Any) -> datetime | None:
    """An ISO 8601 time in any of its forms (Z, +0000, +00:00, fractions); a time
    without an offset is taken as UTC; None for anything else, and for a time
    outside the plausible years (core/dates.py): the page then has no such time."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _OFFSET.sub(r"\1:\2", value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    parsed = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    return parsed if plausible(parsed) else None


def _load(source: str) -> Any:
    text = source.strip()
    for prefix, suffix in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>")):
        if text.startswith(prefix) and text.endswith(suffix):
            text = text[len(prefix):-len(suffix)].strip()
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `data`, outermost first (iteratively: no recursion limit)."""
    stack, seen = [data], 0
    while stack and seen < MAX_NODES:
        item = stack.pop(0)
        seen += 1
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _text(value: Any) -> str | None:
    """A JSON-LD string as plain text: outlets put HTML in them; only its text is kept."""
    if not isinstance(value, str) or not value.strip():
        return None
    if "<" in value or "&" in value:
        body = LexborHTMLParser(f"<body>{value}</body>").body
        value = text_of(body) if body is not None else ""
    return " ".join(value.split()) or None


def _names(value: Any) -> tuple[str, ...]:
    """Author(s): a Person, an Organization, a list of them, or plain strings."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _body_text(value: Any) -> str | None:
    """articleBody as plain text, its paragraphs (blank lines, or HTML paragraphs) kept."""
    if not isinstance(value, str) or not value.strip():
        return None
    if "<" in value or "&" in value:
        body = LexborHTMLParser(f"<body>{value}</body>").body
        if body is None:
            return None
        parts = [text_of(p) for p in body.css("p, li, h2, h3, blockquote")] or [text_of(body)]
        value = "\n\n".join(p for p in parts if p)
    return value.strip() or None


def _url(node: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage", "@id"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return None


def _blog(node: dict[str, Any]) -> LdBlog:
    publisher = node.get("publisher")
    updates = node.get("liveBlogUpdate") or []
    updates = updates if isinstance(updates, list) else [updates]
    return LdBlog(
        headline=_text(node.get("headline")) or _text(node.get("name")),
        url=_url(node),
        start=moment(node.get("coverageStartTime")) or moment(node.get("datePublished")),
        end=moment(node.get("coverageEndTime")),
        modified=moment(node.get("dateModified")),
        publisher=_names(publisher)[0] if _names(publisher) else None,
        authors=_names(node.get("author")),
        updates=tuple(_update(u) for u in updates if isinstance(u, dict)),
    )


def _update(node: dict[str, Any]) -> LdUpdate:
    body = node.get("articleBody")
    return LdUpdate(
        headline=_text(node.get("headline")) or _text(node.get("name")),
        published=moment(node.get("datePublished")),
        modified=moment(node.get("dateModified")),
        authors=_names(node.get("author")),
        body=_body_text(body),
        url=_url(node),
        id=node["@id"] if isinstance(node.get("@id"), str) else None,
    )

"""What a saved page says about itself: its address, title, site name, charset. Pure."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from generator.ingest.html.body import safe_url, text_of

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# "Saved from" comments that browsers write into a saved page.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageInfo:
    url: str | None  # canonical link, else og:url, else the "saved from" address
    title: str | None  # og:title, else <title>
    site_name: str | None  # og:site_name
    published: str | None  # article:published_time (ISO text), as a last resort for times
    modified: str | None


def decode(data: bytes) -> str:
    """A page's text: by its BOM, else its <meta charset>, else UTF-8; bad bytes replaced
    (a saved page is read as a browser would, not refused)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(name, errors="replace")
    match = _META_CHARSET.search(data[:4096])
    encoding = "utf-8"
    if match:
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            pass
    return data.decode(encoding, errors="replace")


def page_info(tree: LexborHTMLParser, text: str) -> PageInfo:
    def meta(*names: str) -> str | None:
        for name in names:
            node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
            content = (node.attributes.get("content") or "").strip() if node is not None else ""
            if content:
                return content
        return None

    canonical = tree.css_first('link[rel="canonical"]')
    saved = _SAVED_FROM.search(text[:2048])
    url = (safe_url(canonical.attributes.get("href") if canonical is not None else None, None)
           or safe_url(meta("og:url"), None) or (safe_url(saved.group(1), None) if saved else None))
    title_node = tree.css_first("title")
    title = meta("og:title") or (text_of(title_node) if title_node is not None else None) or None
    return PageInfo(url=url, title=title, site_name=meta("og:site_name"),
                    published=meta("article:published_time"), modified=meta("article:modified_time"))

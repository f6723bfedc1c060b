"""A post's blocks → the Markdown body of its content file. Pure.

Text is escaped so that CommonMark renders exactly the original characters;
a photo is a raw `<figure class="photo">` block (the renderer sanitises all
HTML before it reaches a page). A photo shows its image when the archive
held it (`images`: its address → the site's copy, "/media/<sha256>.jpg"),
else its caption and credit with a link to the original; only with `remote`
(`--keep-remote-images`) is a missing image shown from the outlet's server.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlsplit

from generator.ingest.record import Block, BulletList, Embed, Figure, Link, Paragraph, Quote

_ENTITY_AMP = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")
_INLINE_SPECIAL = re.compile(r"([`*_\[\]])")
_ORDERED_START = re.compile(r"(\d{1,9})([.)])(?=\s|$)")


def _escape_inline(text: str) -> str:
    """Escape what CommonMark would read as markup anywhere in a line."""
    text = text.replace("\\", "\\\\")
    text = _ENTITY_AMP.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace("\t", "&#9;")
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _escape_line(text: str, links: Sequence[Link] = ()) -> str:
    """Escape inline markup (keeping `links` as links), then what would start a
    block (heading, quote, list, rule)."""
    lines = []
    for line in _inline(text, links).split("\n"):
        line = _ORDERED_START.sub(r"\1\\\2", line, count=1)
        if line[:1] in ("#", ">", "+", "-", "~", "="):
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)


_SCHEMES = ("http", "https", "mailto")
# What may stay as it is in a link destination; anything else is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def _inline(text: str, links: Sequence[Link]) -> str:
    """`text` escaped, with each of `links` (over it) as a CommonMark link."""
    out: list[str] = []
    at = 0
    for link in sorted(links, key=lambda k: k.start):
        if link.start < at or link.end > len(text) or link.start >= link.end:
            continue  # overlapping or out of range: keep the text plain
        destination = _destination(link.href)
        out.append(_escape_inline(text[at:link.start]))
        linked = _escape_inline(text[link.start:link.end])
        out.append(f"[{linked}](<{destination}>)" if destination else linked)
        at = link.end
    out.append(_escape_inline(text[at:]))
    return "".join(out)


def _destination(href: str) -> str | None:
    """A safe link destination for `href`: http(s) or mailto only."""
    if urlsplit(href.strip()).scheme.lower() not in _SCHEMES:
        return None
    return quote(href.strip(), safe=_URL_SAFE)


def _escape_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\t", "&#9;")  # Markdown expands tabs


def _figure_html(figure: Figure, images: Mapping[str, str], remote: bool) -> str:
    """A photo: its archived image (`images`), its caption and credit. The image is
    never hot-linked unless `remote`: a photo whose image was not archived links to
    the original instead."""
    caption = f'<span class="caption">{_escape_html(figure.caption)}</span>'
    if figure.credit is not None:
        caption += f' <span class="credit">{_escape_html(figure.credit)}</span>'
    local = images.get(figure.src) if figure.src else None
    original = _destination(figure.src) if figure.src else None
    image = ""
    if local is not None:
        image = f'<img src="{html.escape(local)}" alt="{_attribute(figure.alt)}">\n'
    elif original is not None and remote:
        image = (f'<img src="{html.escape(original)}" alt="{_attribute(figure.alt)}" loading="lazy" '
                 'referrerpolicy="no-referrer">\n')
    elif original is not None:
        caption += (f' <a class="not-archived" href="{html.escape(original)}">'
                    "Image not archived: see the original</a>")
    return f'<figure class="photo">\n{image}<figcaption>{caption}</figcaption>\n</figure>'


def _attribute(text: str | None) -> str:
    """Text as an attribute value on one line (a blank line would end the HTML block)."""
    return html.escape(" ".join((text or "").split()), quote=True)


def _quote_markdown(block: Quote) -> str:
    lines = [f"> {line}" if line else ">" for line in _escape_line(block.text, block.links).split("\n")]
    if block.cite:
        lines += [">", f"> — {_escape_inline(block.cite)}"]
    return "\n".join(lines)


def _block_markdown(block: Block, images: Mapping[str, str], remote: bool) -> str:
    if isinstance(block, Figure):
        return _figure_html(block, images, remote)
    if isinstance(block, BulletList):
        return "\n".join(f"- {_escape_line(item)}" for item in block.items)
    if isinstance(block, Quote):
        return _quote_markdown(block)
    if isinstance(block, Embed):
        text = block.text or block.url
        return _escape_line(text, [Link(0, len(text), block.url)])
    if block.lead_in is None:
        return _escape_line(block.text, block.links)
    lead = f"**{_escape_inline(block.lead_in)}**"
    return f"{lead} {_inline(block.text, block.links)}" if block.text else lead


def body_markdown(blocks: Sequence[Block], images: Mapping[str, str] | None = None, *,
                  remote: bool = False) -> str:
    """The Markdown body of a post file, ending with exactly one newline.

    Paragraphs are separated by one blank line; a lead-in is bold
    (``**Some context:** …``); a figure is a raw ``<figure class="photo">``
    block, with an ``<img>`` when `images` maps its address to the site's copy
    (or, with `remote`, to the original); a bullet list is ``- item`` lines. Text is escaped so that
    a CommonMark renderer (cmark-gfm) gives back exactly the original characters. Empty blocks are
    skipped; no blocks give ``"\\n"``.
    """
    chunks = [
        _block_markdown(block, images or {}, remote)
        for block in blocks
        if not (isinstance(block, BulletList) and not block.items)
        and not (isinstance(block, Paragraph) and not block.text and block.lead_in is None)
    ]
    return "\n\n".join(chunks) + "\n"

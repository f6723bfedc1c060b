"""A post's blocks → the Markdown body of its content file. Pure.

Text is escaped so that CommonMark renders exactly the original characters;
a photo is a raw `<figure class="photo">` block (the renderer sanitises all
HTML before it reaches a page).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from generator.ingest.record import Block, BulletList, Figure, Paragraph

_ENTITY_AMP = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")
_INLINE_SPECIAL = re.compile(r"([`*_\[\]])")
_ORDERED_START = re.compile(r"(\d{1,9})([.)])(?=\s|$)")


def _escape_inline(text: str) -> str:
    """Escape what CommonMark would read as markup anywhere in a line."""
    text = text.replace("\\", "\\\\")
    text = _ENTITY_AMP.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace("\t", "&#9;")
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _escape_line(text: str) -> str:
    """Escape inline markup, then what would start a block (heading, quote, list, rule)."""
    lines = []
    for line in _escape_inline(text).split("\n"):
        line = _ORDERED_START.sub(r"\1\\\2", line, count=1)
        if line[:1] in ("#", ">", "+", "-", "~", "="):
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)


def _escape_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\t", "&#9;")  # Markdown expands tabs


def _figure_html(figure: Figure) -> str:
    caption = f'<span class="caption">{_escape_html(figure.caption)}</span>'
    if figure.credit is not None:
        caption += f' <span class="credit">{_escape_html(figure.credit)}</span>'
    return f'<figure class="photo">\n<figcaption>{caption}</figcaption>\n</figure>'


def _block_markdown(block: Block) -> str:
    if isinstance(block, Figure):
        return _figure_html(block)
    if isinstance(block, BulletList):
        return "\n".join(f"- {_escape_line(item)}" for item in block.items)
    if block.lead_in is None:
        return _escape_line(block.text)
    lead = f"**{_escape_inline(block.lead_in)}**"
    return f"{lead} {_escape_inline(block.text)}" if block.text else lead


def body_markdown(blocks: Sequence[Block]) -> str:
    """The Markdown body of a post file, ending with exactly one newline.

    Paragraphs are separated by one blank line; a lead-in is bold
    (``**Some context:** …``); a figure is a raw ``<figure class="photo">``
    block; a bullet list is ``- item`` lines. Text is escaped so that
    a CommonMark renderer (cmark-gfm) gives back exactly the original characters. Empty blocks are
    skipped; no blocks give ``"\\n"``.
    """
    chunks = [
        _block_markdown(block)
        for block in blocks
        if not (isinstance(block, BulletList) and not block.items)
        and not (isinstance(block, Paragraph) and not block.text and block.lead_in is None)
    ]
    return "\n\n".join(chunks) + "\n"

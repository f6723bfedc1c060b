"""HTML of a post's body → blocks (ingest/record.py). Pure.

Only text and a few addresses leave the page: paragraphs (with their links),
lists, quotes, figures (caption, credit, the image's address), embeds (as a
link), subheads. Nothing else is kept, so no script, style, event handler,
form or iframe can reach content/: the Markdown writer escapes the text, and
an address is kept only when it is http(s) (or mailto for links).
A tracking pixel (an image drawn 1×1 or 0, or hidden) is no image, so it
never becomes a figure. A figure's credit is an element classed as one, in
the caption or beside it, else a caption's trailing "Photograph: …"; an
image component that is not a <figure> (a `div` marked `image` holding an
image and its caption) is read as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from generator.core.errors import SiteError
from generator.ingest.record import Block, BulletList, Embed, Figure, Link, Paragraph, Quote

MAX_DEPTH = 200  # elements nested deeper than this are refused (hostile or broken markup)
_SKIP = frozenset({"script", "style", "noscript", "template", "form", "button", "input", "select",
                   "textarea", "svg", "canvas", "object", "head", "meta", "link", "nav", "aside"})
_EMBEDS = frozenset({"iframe", "video", "audio", "embed"})
_BLOCKS = frozenset({"p", "ul", "ol", "blockquote", "figure", "h2", "h3", "h4", "h5", "h6", "img",
                     "table", "pre"}) | _EMBEDS
_BREAKING = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                       "section", "article", "header", "footer", "figure", "figcaption", "table", "tr",
                       "td", "th", "dd", "dt", "dl", "pre"})
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u202f\u2009]+")
_CREDIT = re.compile(r"credit|copyright|source|byline|getty|photographer", re.IGNORECASE)
_CAPTION = re.compile(r"caption", re.IGNORECASE)
# A caption's trailing credit, as the Guardian prints it: "… Photograph: Jane Doe/AFP/Getty Images".
_CREDIT_TEXT = re.compile(r"^(.*?)\s*\b((?:Photograph|Photo|Picture|Illustration|Composite|Image|Video|Graphic)s?:"
                          r"\s*\S.*)$", re.DOTALL)
_PIXELS = re.compile(r"^[01](?:\.0*)?(?:px)?$")
_PIXEL_STYLE = re.compile(r"display:none|visibility:hidden|(?<![\w-])(?:width|height):[01](?:px)?(?:;|$|!)")
_IMAGE_MARK = re.compile(r"(?<![\w-])image(?![\w-])", re.IGNORECASE)
_SOCIAL = re.compile(r"twitter|x-post|instagram|tiktok|facebook|bluesky|threads|social|embed", re.IGNORECASE)


def safe_url(href: str | None, base: str | None, *, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """`href` made absolute against `base`, or None unless its scheme is allowed."""
    if not href:
        return None
    href = href.strip()
    absolute = urljoin(base, href) if base else href
    return absolute if urlsplit(absolute).scheme.lower() in schemes else None


def text_of(node: LexborNode) -> str:
    """The visible text of an element, white space collapsed, scripts and styles left out."""
    return inline(node, None)[0]


def inline(node: LexborNode, base: str | None) -> tuple[str, tuple[Link, ...]]:
    """An element's text (white space collapsed, `<br>` a line break) and its links."""
    runs: list[tuple[str, str | None]] = []
    _runs(node, base, None, runs, 0)
    text, links = "", []
    for piece, href in runs:
        if piece != "\n":
            piece = _SPACE.sub(" ", piece)
            if text.endswith((" ", "\n")) or not text:
                piece = piece.lstrip(" ")
        elif text.endswith(" "):
            text = text[:-1]
        start = len(text)
        text += piece
        if href is not None and piece.strip():
            links.append(_trimmed(text, start, len(text), href))
    stripped = text.strip()
    shift = len(text) - len(text.lstrip())
    return stripped, tuple(Link(max(k.start - shift, 0), min(k.end - shift, len(stripped)), k.href)
                           for k in links if k.end - shift > 0 and k.start - shift < len(stripped))


def _trimmed(text: str, start: int, end: int, href: str) -> Link:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Link(start, end, href)


def _runs(node: LexborNode, base: str | None, href: str | None, runs: list[tuple[str, str | None]],
          depth: int) -> None:
    if depth > MAX_DEPTH:
        raise SiteError(f"HTML nested deeper than {MAX_DEPTH} elements")
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            runs.append((child.text_content or "", href))
        elif tag == "br":
            runs.append(("\n", href))
        elif tag in _SKIP or tag in _EMBEDS or tag is None or tag.startswith("-"):
            continue
        elif tag == "a":
            link = safe_url(child.attributes.get("href"), base, schemes=("http", "https", "mailto"))
            _runs(child, base, link if link is not None else href, runs, depth + 1)
        elif tag in _BREAKING:  # words in two blocks never run together
            runs.append((" ", href))
            _runs(child, base, href, runs, depth + 1)
            runs.append((" ", href))
        else:
            _runs(child, base, href, runs, depth + 1)


def blocks(node: LexborNode, base: str | None) -> tuple[Block, ...]:
    """The blocks of a post body, in page order."""
    return tuple(_blocks(node, base, 0))


def _blocks(node: LexborNode, base: str | None, depth: int) -> Iterator[Block]:
    if depth > MAX_DEPTH:
        raise SiteError(f"HTML nested deeper than {MAX_DEPTH} elements")
    loose: list[LexborNode] = []  # text and inline elements between blocks
    for child in node.iter(include_text=True):
        tag = child.tag or ""
        if tag == "-text" or (tag not in _BLOCKS and not _has_blocks(child) and tag not in _SKIP
                              and not tag.startswith("-")):
            loose.append(child)
            continue
        yield from _paragraph_of(loose, base)
        loose = []
        if tag in _SKIP or tag.startswith("-"):
            continue
        if tag in _BLOCKS:
            yield from _block(child, base, depth)
        elif _figure_like(child):
            found = _figure(child, base)
            if found is not None:
                yield found
        else:
            yield from _blocks(child, base, depth + 1)
    yield from _paragraph_of(loose, base)


_BLOCK_SELECTOR = ", ".join(sorted(_BLOCKS))


def _has_blocks(node: LexborNode) -> bool:
    return node.css_first(_BLOCK_SELECTOR) is not None


def _paragraph_of(nodes: list[LexborNode], base: str | None) -> Iterator[Block]:
    """Loose text between blocks (a bare text node, a <span>) as one paragraph."""
    if not nodes:
        return
    text, links = "", []
    for node in nodes:
        piece, piece_links = (_SPACE.sub(" ", node.text_content or ""), ()) if node.tag == "-text" \
            else inline(node, base)
        offset = len(text)
        text += piece
        links += [Link(k.start + offset, k.end + offset, k.href) for k in piece_links]
    if text.strip():
        stripped = text.strip()
        shift = len(text) - len(text.lstrip())
        yield Paragraph(stripped, links=tuple(Link(k.start - shift, k.end - shift, k.href) for k in links
                                              if k.start >= shift and k.end - shift <= len(stripped)))


def _block(node: LexborNode, base: str | None, depth: int) -> Iterator[Block]:
    tag = node.tag
    if tag == "p":
        yield from _p(node, base)
    elif tag in ("h2", "h3", "h4", "h5", "h6"):
        text = text_of(node)
        if text:
            yield Paragraph("", lead_in=text)
    elif tag in ("ul", "ol"):
        items = tuple(t for t in (text_of(li) for li in node.css("li")) if t)
        if items:
            yield BulletList(items)
    elif tag == "blockquote":
        yield from _quote(node, base)
    elif tag in ("figure", "img"):
        found = _figure(node, base)
        if found is not None:
            yield found
    elif tag in _EMBEDS:
        url = safe_url(node.attributes.get("src") or _first_source(node), base)
        if url is not None:
            yield Embed(url, "Embedded video" if tag == "video" else "Embedded content")
    else:  # table, pre: their text, line by line
        for line in (text_of(node) if tag == "pre" else _table_text(node)).split("\n"):
            if line.strip():
                yield Paragraph(line.strip())


def _p(node: LexborNode, base: str | None) -> Iterator[Block]:
    text, links = inline(node, base)
    if not text:
        return
    strong = node.css_first("strong, b")
    lead = text_of(strong) if strong is not None else ""
    if lead and lead.endswith(":") and text.startswith(lead + " ") and len(lead.split()) <= 6:
        rest = len(lead) + 1
        yield Paragraph(text[rest:], lead_in=lead,
                        links=tuple(Link(k.start - rest, k.end - rest, k.href) for k in links if k.start >= rest))
        return
    yield Paragraph(text, links=links)


def _quote(node: LexborNode, base: str | None) -> Iterator[Block]:
    classes = node.attributes.get("class") or ""
    if _SOCIAL.search(classes):
        anchors = [safe_url(a.attributes.get("href"), base) for a in node.css("a")]
        url = next((a for a in reversed(anchors) if a), None)
        if url is not None:
            yield Embed(url, text_of(node))
            return
    cite_node = node.css_first("cite, footer")
    cite = text_of(cite_node) if cite_node is not None else None
    if cite_node is not None:
        cite_node.decompose()
    text, links = inline(node, base)
    if text:
        yield Quote(text, cite or None, links)


def _figure(node: LexborNode, base: str | None) -> Figure | None:
    """A figure's caption, credit, image address and alt text. The credit is an element
    classed as one (in the caption, else beside it: the BBC puts it over the image), else a
    trailing "Photograph: …" of the caption (the Guardian). A tracking pixel is no image."""
    image = node if node.tag == "img" else node.css_first("img")
    if image is not None and _is_pixel(image):
        image = None
    src = _image_src(image, base) if image is not None else None
    alt = (image.attributes.get("alt") or "").strip() or None if image is not None else None
    caption_node = node.css_first("figcaption") if node.tag == "figure" else None
    if caption_node is None and node.tag != "img":
        caption_node = next((n for n in node.css("*") if _CAPTION.search(n.attributes.get("class") or "")
                             and not _is_credit(n) and n.css_first("img") is None), None)
    credit_node = None if caption_node is None else next((n for n in caption_node.css("*") if _is_credit(n)), None)
    if credit_node is None and node.tag != "img":
        credit_node = next((n for n in node.css("*") if _is_credit(n)), None)
    credit = None
    if credit_node is not None:
        credit = text_of(credit_node) or None
        credit_node.decompose()
    caption = text_of(caption_node) if caption_node is not None else ""
    if credit is None and (split := _CREDIT_TEXT.match(caption)):
        caption, credit = split.group(1).strip(), split.group(2).strip()
    caption = caption or alt or ""
    if not caption and src is None:
        return None
    return Figure(caption or "Photo", credit, src, alt)


def _is_credit(node: LexborNode) -> bool:
    """An element classed as a credit that holds no image or caption of its own."""
    return bool(_CREDIT.search(node.attributes.get("class") or "")) and node.tag not in ("img", "source") \
        and node.css_first("img, figcaption") is None


def _is_pixel(image: LexborNode) -> bool:
    """A tracking pixel: drawn 1×1 (or 0), or hidden."""
    attributes = image.attributes
    sizes = [_PIXELS.match((attributes.get(key) or "").strip()) for key in ("width", "height")]
    style = (attributes.get("style") or "").replace(" ", "").lower()
    return any(size is not None for size in sizes) or "hidden" in attributes or bool(_PIXEL_STYLE.search(style))


def _figure_like(node: LexborNode) -> bool:
    """An image component that is not a <figure> (CNN's `<div class="image">`): marked
    `image`, holding an image and no text blocks outside its caption."""
    marker = f"{node.attributes.get('class') or ''} {node.attributes.get('data-component-name') or ''}"
    return bool(_IMAGE_MARK.search(marker)) and node.css_first("img") is not None \
        and node.css_first("p, ul, ol, blockquote, figure, table, h2, h3, h4") is None


def _image_src(image: LexborNode, base: str | None) -> str | None:
    """The image's own address: src, else the widest srcset candidate (data-src for lazy images)."""
    attributes = image.attributes
    for key in ("src", "data-src"):
        url = safe_url(attributes.get(key), base)
        if url is not None and not url.startswith("data:"):
            return url
    srcset = attributes.get("srcset") or attributes.get("data-srcset") or ""
    candidates = [part.strip().split(" ")[0] for part in srcset.split(",") if part.strip()]
    return safe_url(candidates[-1], base) if candidates else None


def _first_source(node: LexborNode) -> str | None:
    source = node.css_first("source")
    return source.attributes.get("src") if source is not None else None


def _table_text(node: LexborNode) -> str:
    return "\n".join(" | ".join(text_of(cell) for cell in row.css("th, td")) for row in node.css("tr"))

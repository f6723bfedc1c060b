"""Posts without a headline: telling one from body text, and deriving one. Pure.

CNN's headlines, in every layout, are one sentence that does not end with a
full stop ("Putin to visit Turkey, Kremlin says"). A post that has none starts
straight with its body or with its byline; liveblog then gives it the first
sentence of its body as headline (`headline_derived=True`) and keeps that
sentence in the body too, so no text is lost.

Sentences are cut at ``. ! ?`` (and any closing quotes or brackets after it)
followed by a space and a capital letter, a digit or an opening quote, except
after an abbreviation: a single letter ("J. Smith"), a word with a dot inside
("U.S.", "D.C.", "p.m.") or a title such as "Mr." or "Gen." (see `_ABBREVIATIONS`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.ingest.record import Block, Paragraph, block_texts
from generator.ingest.text.lines import read_byline

HEADLINE_WORDS = 12  # a derived headline is at most this many words, then "…"
HEADLINE_MAX_WORDS = 25  # a first line longer than this is body text, never a headline
_END = re.compile(r"[.!?]+[\"”’')\]]*")
_NEXT_STARTS = re.compile(r"\s+[\"“‘'(\[]?[A-Z0-9]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen sen rep gov lt col sgt capt cmdr adm maj pres prof st jr sr rev hon "
    "inc corp co ltd no vol vs etc jan feb mar apr aug sept sep oct nov dec mt ft".split()
)
# Lower-case words a person's name may hold ("Ursula von der Leyen").
_NAME_PARTICLES = frozenset("de da das do dos du del della der den van von al el bin ibn la le".split())
_NAME_MAX_WORDS = 5


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the dot at text[end] closes an abbreviation rather than a sentence."""
    before = text[:end].split()
    word = before[-1].lstrip("\"“‘'([") if before and not text[end - 1].isspace() else ""
    return len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS


def sentence_ends(text: str) -> list[int]:
    """The index just after each sentence end in `text` (the end of the text included
    when it ends like a sentence)."""
    ends: list[int] = []
    for match in _END.finditer(text):
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        at_end = match.end() == len(text)
        if at_end or _NEXT_STARTS.match(text, match.end()):
            ends.append(match.end())
    return ends


def reads_as_body(line: str) -> bool:
    """Whether the first line after a timestamp is body text, not a headline.

    It is when it ends like a sentence (``. ! ?``, not an abbreviation's dot) and
    either holds more than one sentence or is longer than a headline runs (more
    than 25 words). A short one-sentence line stays the headline: when that guess
    is wrong nothing is lost, the text is the headline instead of the body.
    """
    ends = sentence_ends(line)
    if not ends or ends[-1] != len(line):
        return False
    return len(ends) > 1 or len(line.split()) > HEADLINE_MAX_WORDS


def lead_byline(line: str) -> tuple[tuple[str, ...], str | None] | None:
    """A byline standing where the headline would be -> (authors, location), else None.

    Stricter than `read_byline`, since headlines too may start with "By" or "From"
    ("By the numbers: …", "From Kyiv to Kharkiv, …"): the byline names an outlet
    in the possessive ("From CNN's …"), or every name in it is a name: at most 5
    words, each capitalised but for particles such as "von" or "al".
    """
    read = read_byline(line)
    if read is None:
        return None
    authors, _ = read
    possessive = re.match(r"(?:From|By)\s+[^\s'’]+(?:\s[^\s'’]+){0,2}['’]s\s", line) is not None
    if possessive or all(_is_name(author) for author in authors):
        return read
    return None


def _is_name(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= _NAME_MAX_WORDS and all(
        (word[0].isupper() and not any(c.isdigit() for c in word)) or word in _NAME_PARTICLES
        for word in words
    )


def derive_headline(blocks: Sequence[Block]) -> str:
    """A headline for a post that has none: the first sentence of its first paragraph
    (else of its first block), at most 12 words, cut at a word with "…"."""
    paragraphs = [b.full_text for b in blocks if isinstance(b, Paragraph) and b.full_text]
    text = paragraphs[0] if paragraphs else next(
        (t for block in blocks for t in block_texts(block) if t.strip()), "")
    ends = sentence_ends(text)
    sentence = text[: ends[0]] if ends else text
    words = sentence.split()
    if len(words) > HEADLINE_WORDS:
        return " ".join(words[:HEADLINE_WORDS]).rstrip(",;:—–-") + "…"
    return " ".join(words)

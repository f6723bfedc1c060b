"""Posts without a headline: telling one from body text, and deriving one. Pure.

CNN's headlines, in every layout, are one sentence that does not end with a
full stop ("Putin to visit Turkey, Kremlin says"). A post that has none starts
straight with its body or with its byline; liveblog then gives it the first
sentence of its body as headline (`headline_derived=True`) and keeps that
sentence in the body too, so no text is lost.

The derived headline and where sentences end are generator/ingest/headline.py
(shared with the HTML importer).
"""

from __future__ import annotations

import re

from generator.ingest.headline import sentence_ends
from generator.ingest.text.lines import read_byline

HEADLINE_MAX_WORDS = 25  # a first line longer than this is body text, never a headline
# Lower-case words a person's name may hold ("Ursula von der Leyen").
_NAME_PARTICLES = frozenset("de da das do dos du del della der den van von al el bin ibn la le".split())
_NAME_MAX_WORDS = 5


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



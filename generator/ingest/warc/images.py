"""The images a capture's figures show, found among the archive's records. Pure.

A figure names its image by address (`Figure.src`, absolute). The archive
may hold that address several times (a crawl fetches an image again on
every visit): the record closest in time to the page's record is the one
the page showed. Only the exact address counts, so a srcset variant (another
width, another format) is never taken for the image the figure names. A
revisit of an image (the crawler saw the same bytes again) counts at its own
date, with its original's bytes.

A capture carries each image once, in the order its figures show them, and
at most MAX_IMAGES bytes in all; an image the archive holds but refused (an
SVG, bytes that are no raster image, one too large) or past that bound is
not carried, and the capture gets a warning naming it. An image the archive
does not hold at all is the common case (many crawls skip images) and is no
warning: the page says so under the photo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from generator.core.media import MAX_IMAGES
from generator.ingest.record import CaptureWarning, Figure, Media, ParsedCapture
from generator.ingest.warc.records import WarcRecord


@dataclass(frozen=True, slots=True)
class Seen:
    """An image record: one fetch of an address, at a time."""

    at: float | None  # WARC-Date as POSIX time (None when unreadable)
    offset: int
    media: Media | None
    refused: str | None  # why its bytes were not kept


Index = Mapping[str, tuple[Seen, ...]]  # address → every fetch of it, in file order


def index(records: Sequence[WarcRecord], original: Callable[[WarcRecord], WarcRecord | None]) -> Index:
    """Every image response (and revisit of one, by `original`) of the archive, by address."""
    found: dict[str, list[Seen]] = {}
    for record in records:
        source = record if record.type == "response" else \
            original(record) if record.type == "revisit" else None
        if source is None or not record.target_uri or (source.image is None and source.refused is None):
            continue
        media = source.image
        if media is not None and media.url != record.target_uri:
            media = Media(record.target_uri, media.content_type, media.data)
        found.setdefault(record.target_uri, []).append(Seen(posix(record.date), record.offset, media,
                                                            source.refused))
    return {uri: tuple(seen) for uri, seen in found.items()}


def media_of(capture: ParsedCapture, images: Index, at: float | None
             ) -> tuple[tuple[Media, ...], tuple[CaptureWarning, ...]]:
    """The images the capture's figures show (each once, closest in time to `at`, the
    page record's time), and a warning for each the archive holds but cannot give."""
    carried: list[Media] = []
    warnings: list[CaptureWarning] = []
    total = 0
    for url in _figure_sources(capture):
        seen = images.get(url)
        if not seen:
            continue
        best = min(seen, key=lambda s: (_distance(s.at, at), s.media is None, s.offset))
        if best.media is None:
            warnings.append(CaptureWarning(None, f"image {url} (WARC record at offset {best.offset}) "
                                                 f"not copied: {best.refused}"))
        elif total + len(best.media.data) > MAX_IMAGES:
            warnings.append(CaptureWarning(None, f"image {url} not copied: the capture's images would pass "
                                                 f"the limit of {MAX_IMAGES:,} bytes"))
        else:
            carried.append(best.media)
            total += len(best.media.data)
    return tuple(carried), tuple(warnings)


def _figure_sources(capture: ParsedCapture) -> Iterator[str]:
    """Every figure's image address, once each, in page order."""
    seen: set[str] = set()
    for post in capture.posts:
        for block in post.blocks:
            if isinstance(block, Figure) and block.src and block.src not in seen:
                seen.add(block.src)
                yield block.src


def _distance(when: float | None, at: float | None) -> float:
    return float("inf") if when is None or at is None else abs(when - at)


def posix(date: str | None) -> float | None:
    """A WARC-Date as POSIX time (WARC dates are UTC); None when it is not ISO 8601."""
    try:
        moment = datetime.fromisoformat((date or "").strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)).timestamp()

"""Archived images: which bytes the site publishes, and under which name. Pure.

Only raster images a browser shows and never runs: JPEG, PNG, GIF, WebP and
AVIF, told by their first bytes (magic numbers), never by a header or a
name alone. SVG is refused whatever it claims to be: it is XML that can hold
script, and published on the archive's own origin it would run there.

An image is kept as `media/<sha256 of its bytes>.<ext>`: the same bytes
always get the same name, so importing the same archive again writes
nothing new, and the name itself says what the file must hash to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from generator.core.fixity import sha256_bytes
from generator.core.paths import MEDIA_DIR

# Content type → the extension its file gets (and the type the site serves it as).
RASTER_TYPES: Mapping[str, str] = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif",
                                   "image/webp": "webp", "image/avif": "avif"}
MAX_IMAGE = 20 * 1024 * 1024  # bytes of one image
MAX_IMAGES = 200 * 1024 * 1024  # bytes of the images one capture carries
_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?:" + "|".join(RASTER_TYPES.values()) + r")$")
_AVIF_BRANDS = (b"avif", b"avis")


def image_type(data: bytes) -> str | None:
    """The raster type the bytes are (by their magic number), or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and _is_avif(data):
        return "image/avif"
    return None


def _is_avif(data: bytes) -> bool:
    """An ISO BMFF file whose `ftyp` box names an AVIF brand (not HEIC, not a video)."""
    size = int.from_bytes(data[:4], "big")
    if size < 16 or size > min(len(data), 4096) or size % 4:
        return False
    brands = [data[8:12], *(data[at:at + 4] for at in range(16, size, 4))]
    return any(brand in _AVIF_BRANDS for brand in brands)


def media_file(data: bytes, content_type: str) -> str:
    """Where an image is kept, relative to the site: "media/<sha256>.jpg"."""
    return f"{MEDIA_DIR}/{sha256_bytes(data)}.{RASTER_TYPES[content_type]}"


def named_sha256(name: str) -> str | None:
    """The sha256 a media file's name says it has; None for a name no import writes."""
    match = _NAME.match(name)
    return match["sha"] if match else None

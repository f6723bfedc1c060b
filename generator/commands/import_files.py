"""`liveblog import`, what it writes beside the post files: the archived images
and the fixity manifests.

An image a web archive held for a figure is kept byte for byte as
`media/<sha256>.<ext>` (core/media.py), at the site root beside captures/:
the same bytes always get the same name, so a later import of the same
archive writes nothing new, and two captures showing the same image share
one file. Posts link it as "/media/<sha256>.<ext>" (the renderer puts the
site's base path in front). captures/ gets a manifest-sha256.txt listing
every file in it; media/ and content/ one that keeps the entries of files
this import did not touch and adds those it writes (an image altered on disk
is not blessed by the next import: it is written again, whole). Everything
is written with the post files, in the one atomic step of the import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.content.write import Images
from generator.core.fixity import MANIFEST, manifest_text, read_manifest, sha256_bytes
from generator.core.media import media_file
from generator.core.model import CaptureRecord
from generator.core.paths import CAPTURES_DIR, MEDIA_DIR
from generator.ingest.record import Figure, ParsedCapture


def blog_images(ordered: Sequence[CaptureRecord], parsed: Mapping[str, ParsedCapture], remote: bool
                ) -> tuple[Images, dict[str, bytes]]:
    """What a blog's posts show (`ordered`: its captures in capture-time order;
    `parsed`: each by key), and the media files to write (path → bytes)."""
    files: dict[str, bytes] = {}
    by_capture: dict[str, dict[str, str]] = {}
    latest: dict[str, str] = {}
    for record in ordered:
        shown: dict[str, str] = {}
        for media in parsed[record.key].media:
            rel = media_file(media.data, media.content_type)
            files[rel] = media.data
            shown[media.url] = f"/{rel}"
        if shown:
            by_capture[record.key] = shown
            latest.update(shown)
    return Images(by_capture, latest, remote), files


def images_shown(capture: ParsedCapture) -> int:
    """How many different images the capture's figures show (by address)."""
    return len({block.src for post in capture.posts for block in post.blocks
                if isinstance(block, Figure) and block.src})


def add_manifests(site_root: Path, content_rel: str, files: dict[str, bytes]) -> None:
    """captures/manifest-sha256.txt, media/manifest-sha256.txt (when there are
    images) and content/manifest-sha256.txt, for the files about to be written.

    The content manifest keeps the entries of files this import did not
    touch, so a hand edit elsewhere is not silently blessed."""
    captures_dir = site_root / CAPTURES_DIR
    hashes = {}
    if captures_dir.is_dir():
        hashes = {p.name: sha256_bytes(p.read_bytes()) for p in sorted(captures_dir.iterdir())
                  if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")}
    files[f"{CAPTURES_DIR}/{MANIFEST}"] = _manifest(hashes, CAPTURES_DIR, files)
    if (site_root / MEDIA_DIR).is_dir() or any(rel.startswith(f"{MEDIA_DIR}/") for rel in files):
        recorded = read_manifest(site_root / MEDIA_DIR / MANIFEST) or {}
        files[f"{MEDIA_DIR}/{MANIFEST}"] = _manifest(recorded, MEDIA_DIR, files)
    recorded = read_manifest(site_root / content_rel / MANIFEST) or {}
    files[f"{content_rel}/{MANIFEST}"] = _manifest(recorded, content_rel, files)


def _manifest(hashes: dict[str, str], folder: str, files: Mapping[str, bytes]) -> bytes:
    """The manifest of `folder`: `hashes` (its files, by path inside it) and the files
    about to be written into it."""
    prefix = f"{folder}/"
    for rel, data in files.items():
        if rel.startswith(prefix) and rel != prefix + MANIFEST:
            hashes[rel[len(prefix):]] = sha256_bytes(data)
    return manifest_text(hashes).encode()

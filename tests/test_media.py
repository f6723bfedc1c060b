"""Archived images (issue 13 §4): a web archive's image records become media/<sha256>.<ext>.

The page is a Guardian live blog (its markup read by the Guardian adapter, the
real path a WARC's page takes) whose posts show photos: one the WARC holds as
a JPEG, one it does not hold, and SVGs (one honest, one claiming to be a
JPEG) that must never be copied. The JPEG is a real 8×8 baseline JPEG,
written byte by byte below (Chromium decodes it).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import tools
from generator.cli import main
from generator.core.media import image_type, media_file, named_sha256
from generator.ingest.record import Figure
from generator.ingest.sniff import is_html
from generator.ingest.warc import parse_wacz, parse_warc
from sites import make_site, snapshot
from warcs import Response, Revisit, wacz, warc

BLOG = "https://www.theguardian.com/world/live/2024/mar/05/storm-live"
ARCHIVED = "https://cdn.example.org/a.jpg"
MISSING = "https://cdn.example.org/b.jpg?width=620&dpr=2"
SVG = "https://cdn.example.org/c.svg"
FAKE = "https://cdn.example.org/d.jpg"
PAGE_DATE = "2024-03-05T13:30:00Z"


def _segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def tiny_jpeg(last: int = 0x3F) -> bytes:
    """An 8×8 grey baseline JPEG: one quantisation table, one-code Huffman tables,
    one block (DC difference 0, end of block: bits 00, then padding). `last`, the
    coded byte, varies only the padding: other bytes, the same picture."""
    one_code = bytes([1] + [0] * 15)
    return (b"\xff\xd8" + _segment(0xDB, b"\x00" + bytes([1] * 64))
            + _segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01\x01\x11\x00")
            + _segment(0xC4, b"\x00" + one_code + b"\x00" + b"\x10" + one_code + b"\x00")
            + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes([last]) + b"\xff\xd9")


JPEG = tiny_jpeg()
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def _block(number: int, time: str, title: str, figure: str) -> str:
    return (f'<article id="block-{number}" class="block"><header>'
            f'<a href="?page=with:block-{number}#block-{number}"><time datetime="{time}">{time}</time></a>'
            f'<h2>{title.split(":")[0]}</h2></header><p>{title}, officials said.</p>{figure}</article>')


def _figure(src: str, caption: str, alt: str) -> str:
    return (f'<figure><img src="{src}" alt="{alt}" width="620" height="372">'
            f'<figcaption>{caption} Photograph: Ann Photo/PA</figcaption></figure>')


def guardian_page(landfall: str = "Storm makes landfall") -> bytes:
    blocks = [
        _block(4, "2024-03-05T12:40:00.000Z", "Fake image", _figure(FAKE, "Not a photo.", "Nothing")),
        _block(3, "2024-03-05T11:00:00.000Z", "A map", _figure(SVG, "The storm's path.", "A map")),
        _block(2, "2024-03-05T10:00:00.000Z", "Roads closed",
               _figure(MISSING.replace("&", "&amp;"), "A closed road.", "A road")),
        _block(1, "2024-03-05T08:15:00.000Z", landfall,
               _figure(ARCHIVED, "Waves at dawn.", "Waves over a sea wall")),
    ]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Storm live</title>'
            f'<link rel="canonical" href="{BLOG}"><meta property="og:site_name" content="the Guardian"></head>'
            '<body><main data-layout="LiveLayout"><div data-gu-name="headline"><h1>Storm live</h1></div>'
            f'<div id="liveblog-body">{"".join(blocks)}</div></main></body></html>').encode()


def crawl() -> bytes:
    return warc([
        Response(BLOG, PAGE_DATE, guardian_page()),
        Response(ARCHIVED, "2024-03-05T13:30:01Z", JPEG, "image/jpeg"),
        Response(SVG, "2024-03-05T13:30:02Z", SVG_BYTES, "image/svg+xml"),
        Response(FAKE, "2024-03-05T13:30:03Z", SVG_BYTES, "image/jpeg"),
    ])


def parse(data: bytes) -> Any:
    return parse_warc(data, source="crawl.warc.gz", zones={}, topic_rules={}, is_html=is_html)


def invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--site", str(root), *args])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site")
    (tmp_path / "crawl.warc.gz").write_bytes(crawl())
    result = invoke(root, "import", str(tmp_path / "crawl.warc.gz"))
    assert result.exit_code == 0, result.output
    return root


def posts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (root / "content").glob("*/*.md")
            if p.name != "_blog.md"}


def post_with(root: Path, text: str) -> str:
    return next(body for body in posts(root).values() if text in body)


LOCAL = "/" + media_file(JPEG, "image/jpeg")


# --- reading ------------------------------------------------------------------------

def test_a_capture_carries_only_the_raster_images_its_figures_show() -> None:
    (capture,) = parse(crawl())
    assert [(m.url, m.content_type, m.data) for m in capture.media] == [(ARCHIVED, "image/jpeg", JPEG)]
    figures = [b.src for p in capture.posts for b in p.blocks if isinstance(b, Figure)]
    assert sorted(figures) == sorted([ARCHIVED, MISSING, SVG, FAKE])
    refused = sorted(w.message for w in capture.warnings if w.message.startswith("image "))
    assert len(refused) == 2
    assert refused[0].startswith(f"image {SVG} ") and "image/svg+xml is not a raster image" in refused[0]
    assert refused[1].startswith(f"image {FAKE} ") and "its bytes are no JPEG" in refused[1]


def test_the_image_closest_in_time_to_the_page_is_taken_and_only_at_its_exact_address() -> None:
    earlier, later, far = tiny_jpeg(0x3E), tiny_jpeg(0x3D), tiny_jpeg(0x3C)
    data = warc([
        Response(ARCHIVED, "2024-03-05T09:00:00Z", earlier, "image/jpeg"),
        Response(BLOG, PAGE_DATE, guardian_page()),
        Response(ARCHIVED, "2024-03-05T13:31:00Z", later, "image/jpeg"),
        Response(ARCHIVED, "2024-03-06T13:31:00Z", far, "image/jpeg"),
        # A srcset variant of the missing photo (another width) is not that photo.
        Response(MISSING.replace("620", "445"), PAGE_DATE, JPEG, "image/jpeg"),
    ])
    (capture,) = parse(data)
    assert [(m.url, m.data) for m in capture.media] == [(ARCHIVED, later)]


def test_a_revisit_of_an_image_gives_its_original_bytes_at_its_own_date() -> None:
    first = Response(ARCHIVED, "2024-03-05T08:00:00Z", JPEG, "image/jpeg")
    other = tiny_jpeg(0x3E)
    data = warc([first, Response(ARCHIVED, "2024-03-05T11:00:00Z", other, "image/jpeg"),
                 Response(BLOG, PAGE_DATE, guardian_page()), Revisit(ARCHIVED, "2024-03-05T13:30:05Z", first)])
    (capture,) = parse(data)
    assert [(m.url, m.data) for m in capture.media] == [(ARCHIVED, JPEG)]


def test_a_wacz_gives_the_images_of_the_pages_it_lists() -> None:
    """Only the blog's page is listed in pages.jsonl; its images are read all the same."""
    package = wacz({"data.warc.gz": crawl()}, pages=[BLOG])
    (capture,) = parse_wacz(package, source="crawl.wacz", zones={}, topic_rules={}, is_html=is_html)
    assert [(m.url, m.data) for m in capture.media] == [(ARCHIVED, JPEG)]


def test_images_past_the_bounds_are_not_carried_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.ingest.warc import images, records

    monkeypatch.setattr(records, "MAX_IMAGE", len(JPEG) - 1)
    (capture,) = parse(crawl())
    assert capture.media == ()
    assert any(w.message.startswith(f"image {ARCHIVED} ") and f"over the limit of {len(JPEG) - 1:,} bytes"
               in w.message for w in capture.warnings)
    monkeypatch.setattr(records, "MAX_IMAGE", len(JPEG))
    monkeypatch.setattr(images, "MAX_IMAGES", len(JPEG) - 1)  # the capture's bound
    (capture,) = parse(crawl())
    assert capture.media == ()
    assert any(w.message == f"image {ARCHIVED} not copied: the capture's images would pass the limit of "
               f"{len(JPEG) - 1:,} bytes" for w in capture.warnings)


def test_image_types_are_told_by_their_bytes() -> None:
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(b"\x89PNG\r\n\x1a\n" + bytes(16)) == "image/png"
    assert image_type(b"GIF89a" + bytes(16)) == "image/gif"
    assert image_type(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf") == "image/avif"
    assert image_type(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic") is None  # HEIC: no browser shows it
    for other in (SVG_BYTES, b"<?xml version='1.0'?><svg/>", b"<!DOCTYPE html><html>", b"", b"\xff\xd8"):
        assert image_type(other) is None
    assert named_sha256(media_file(JPEG, "image/jpeg").split("/")[1]) == hashlib.sha256(JPEG).hexdigest()
    assert named_sha256("evil.svg") is None and named_sha256(f"{'0' * 64}.svg") is None


def test_a_saved_page_has_no_media(tmp_path: Path) -> None:
    """A saved page's images beside it (Save Page As, complete) are not read: its photos say so."""
    root = make_site(tmp_path / "site")
    (tmp_path / "storm.html").write_bytes(guardian_page())
    result = invoke(root, "import", str(tmp_path / "storm.html"), "--captured-at", "unknown")
    assert result.exit_code == 0, result.output
    assert not (root / "media").exists()
    assert "<img" not in "".join(posts(root).values())
    assert "Image not archived: see the original" in post_with(root, "Storm makes landfall")


# --- content --------------------------------------------------------------------------

def test_an_archived_image_is_kept_by_its_sha256_and_shown(site: Path) -> None:
    media = site / "media"
    assert sorted(p.name for p in media.iterdir()) == sorted([LOCAL.split("/")[2], "manifest-sha256.txt"])
    assert (site / LOCAL[1:]).read_bytes() == JPEG
    assert (media / "manifest-sha256.txt").read_text() == f"{hashlib.sha256(JPEG).hexdigest()}  {LOCAL[7:]}\n"
    body = post_with(site, "Storm makes landfall").split("\n---\n", 1)[1]
    assert (f'<figure class="photo">\n<img src="{LOCAL}" alt="Waves over a sea wall">\n'
            '<figcaption><span class="caption">Waves at dawn.</span> <span class="credit">Photograph: Ann Photo/PA</span>'
            "</figcaption>\n</figure>") in body
    assert "not-archived" not in body
    missing = post_with(site, "Roads closed")
    assert "<img" not in missing
    assert ('<a class="not-archived" href="https://cdn.example.org/b.jpg?width=620&amp;dpr=2">'
            "Image not archived: see the original</a>") in missing
    for refused in ("A map", "Fake image"):
        assert "<img" not in post_with(site, refused) and "Image not archived" in post_with(site, refused)


def test_the_import_says_how_many_images_it_archived(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    (tmp_path / "crawl.warc.gz").write_bytes(crawl())
    result = invoke(root, "import", str(tmp_path / "crawl.warc.gz"))
    assert "4 posts found, 1 of 4 images archived" in result.output
    assert f"image {SVG} (WARC record at offset" in result.output


def test_importing_again_changes_no_byte(site: Path, tmp_path: Path) -> None:
    before = snapshot(site)
    result = invoke(site, "import", str(tmp_path / "crawl.warc.gz"))
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed, 4 unchanged" in result.output
    assert snapshot(site) == before


def test_an_image_damaged_on_disk_is_written_again_by_the_next_import(site: Path, tmp_path: Path) -> None:
    (site / LOCAL[1:]).write_bytes(b"\xff\xd8\xff damaged")
    assert invoke(site, "import", str(tmp_path / "crawl.warc.gz")).exit_code == 0
    assert (site / LOCAL[1:]).read_bytes() == JPEG


# --- build, verify, bag --------------------------------------------------------------

def test_an_earlier_text_keeps_its_image(tmp_path: Path) -> None:
    """A post corrected between two captures: its revision shows the photo too, so the
    paragraph diff on its page is only about the text."""
    root = make_site(tmp_path / "site")
    data = warc([Response(BLOG, "2024-03-05T09:00:00Z", guardian_page()),
                 Response(ARCHIVED, "2024-03-05T09:00:01Z", JPEG, "image/jpeg"),
                 Response(BLOG, PAGE_DATE, guardian_page("Storm makes landfall: winds of 90mph"))])
    (tmp_path / "two.warc.gz").write_bytes(data)
    result = invoke(root, "import", str(tmp_path / "two.warc.gz"))
    assert result.exit_code == 0, result.output
    post = post_with(root, "winds of 90mph")
    assert "revisions:" in post
    assert post.count(f'<img src="{LOCAL}" alt="Waves over a sea wall">') == 2  # the revision and the body
    assert invoke(root, "build").exit_code == 0


def test_the_build_publishes_the_image_under_the_base_path(site: Path) -> None:
    (site / "media" / "evil.svg").write_bytes(SVG_BYTES)  # put there by hand: never published
    (site / "media" / f"{'0' * 64}.html").write_bytes(b"<script>alert(1)</script>")
    result = invoke(site, "build")
    assert result.exit_code == 0, result.output
    public = site / "public"
    assert (public / LOCAL[1:]).read_bytes() == JPEG
    assert sorted(p.name for p in (public / "media").iterdir()) == [LOCAL.split("/")[2], "manifest-sha256.txt"]
    page = next(p for p in public.glob("2024/03/05/*/index.html") if '<h1 class="page-title">Storm makes landfall' in p.read_text())
    assert f'<img src="/liveblog-archive{LOCAL}" alt="Waves over a sea wall">' in page.read_text()
    assert f"  {LOCAL[1:]}\n" in (public / "manifest-sha256.txt").read_text()
    feed = (public / "feed.xml").read_text()
    assert f"https://example.org/liveblog-archive{LOCAL}" in feed
    checked = invoke(site, "check")
    assert checked.exit_code == 0, checked.output


def test_verify_checks_the_images_and_names_an_altered_one(site: Path) -> None:
    result = invoke(site, "verify")
    assert result.exit_code == 0, result.output
    assert "1 media files" in result.output
    image = site / LOCAL[1:]
    image.write_bytes(JPEG + b"\x00")
    result = invoke(site, "verify")
    assert result.exit_code == 1
    assert f"{LOCAL[1:]}: altered (sha256 differs from media/manifest-sha256.txt)" in result.output
    # Rewriting the manifest too does not hide it: the name says what the file must hash to.
    manifest = site / "media" / "manifest-sha256.txt"
    manifest.write_text(f"{hashlib.sha256(image.read_bytes()).hexdigest()}  {image.name}\n")
    result = invoke(site, "verify")
    assert result.exit_code == 1
    assert f"{LOCAL[1:]}: altered (its sha256 is not the one its name says)" in result.output


def test_the_bag_holds_the_images(site: Path, tmp_path: Path) -> None:
    result = invoke(site, "export-bag", str(tmp_path / "bag"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bag" / "data" / LOCAL[1:]).read_bytes() == JPEG
    assert f"data/{LOCAL[1:]}" in (tmp_path / "bag" / "manifest-sha256.txt").read_text()


# --- --keep-remote-images --------------------------------------------------------------

def test_keep_remote_images_hot_links_only_what_was_not_archived(site: Path, tmp_path: Path) -> None:
    result = invoke(site, "import", str(tmp_path / "crawl.warc.gz"), "--keep-remote-images")
    assert result.exit_code == 0, result.output
    assert "0 new, 3 changed, 1 unchanged" in result.output  # the archived photo's post is as it was
    assert f'<img src="{LOCAL}" alt="Waves over a sea wall">\n' in post_with(site, "Storm makes landfall")
    missing = post_with(site, "Roads closed")
    assert ('<img src="https://cdn.example.org/b.jpg?width=620&amp;dpr=2" alt="A road" loading="lazy" '
            'referrerpolicy="no-referrer">') in missing
    assert "not-archived" not in missing
    # The archive's SVG was refused, so it too is shown from the outlet: an <img> never runs its scripts.
    assert f'<img src="{SVG}"' in post_with(site, "A map")
    blog = next((site / "content").glob("*/_blog.md")).read_text()
    assert "keep_remote_images: true\n" in blog
    # A later import without the option keeps the blog's choice; --no-keep-remote-images ends it.
    before = snapshot(site)
    assert "0 changed" in invoke(site, "import", str(tmp_path / "crawl.warc.gz")).output
    assert snapshot(site) == before
    result = invoke(site, "import", str(tmp_path / "crawl.warc.gz"), "--no-keep-remote-images")
    assert "3 changed" in result.output
    assert "keep_remote_images" not in next((site / "content").glob("*/_blog.md")).read_text()
    assert "Image not archived" in post_with(site, "Roads closed")
    build = invoke(site, "build")
    assert build.exit_code == 0, build.output


def test_a_hot_linked_image_survives_the_sanitiser_with_no_referrer(site: Path, tmp_path: Path) -> None:
    assert invoke(site, "import", str(tmp_path / "crawl.warc.gz"), "--keep-remote-images").exit_code == 0
    assert invoke(site, "build").exit_code == 0
    page = next(p for p in (site / "public").glob("2024/03/05/*/index.html") if "Roads closed" in p.read_text())
    assert ('<img src="https://cdn.example.org/b.jpg?width=620&amp;dpr=2" alt="A road" loading="lazy" '
            'referrerpolicy="no-referrer">') in page.read_text()
    checked = invoke(site, "check")
    assert checked.exit_code == 0, checked.output


# --- in a browser ------------------------------------------------------------------------

def test_the_archived_image_loads_in_a_browser(site: Path, chromium: Any) -> None:
    assert invoke(site, "build").exit_code == 0
    public = site / "public"
    page_path = next(p for p in public.glob("2024/03/05/*/index.html") if '<h1 class="page-title">Storm makes landfall' in p.read_text())
    with tools.serve_directory(public, "/liveblog-archive/") as base:
        with tools.new_page(chromium, width=390, height=900) as page:
            page.goto(base + page_path.parent.relative_to(public).as_posix() + "/")
            image = page.locator(f'img[src="/liveblog-archive{LOCAL}"]')
            image.wait_for()
            page.wait_for_function("[...document.images].every(i => i.complete)")
            assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [8, 8]
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

"""Specification of format sniffing (ingest/sniff.py): by content, not by name."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from generator.core.errors import SiteError
from generator.ingest import sniff

WARC = b"WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "{}")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (b"Ukrainian officials report gains\n\n11:29 a.m. ET, July 8, 2023\n", "text capture"),
    (b"[Live] A headline in brackets\n", "text capture"),
    (b"\xef\xbb\xbf<!DOCTYPE html>\n<html lang=en>", "HTML page"),
    (b"  <!-- saved from url=(0052)https://www.cnn.com/ -->\n<html>\n<head>", "HTML page"),
    (b"<HTML><HEAD><TITLE>x</TITLE>", "HTML page"),
    (WARC, "WARC"),
    (gzip.compress(WARC), "gzip'd WARC"),
    (gzip.compress(b"just text"), "gzip file"),
    (_zip(["datapackage.json", "archive/data.warc.gz"]), "WACZ"),
    (_zip(["notes.txt"]), "ZIP archive"),
    (b'{"url": "https://example.org/"}', "JSON"),
    (b'<?xml version="1.0"?><rss/>', "XML document"),
    (b"%PDF-1.7\n", "PDF"),
])
def test_formats_are_told_by_their_content(data: bytes, kind: str) -> None:
    assert sniff.sniff(data) == kind


def test_a_format_no_importer_reads_is_named_with_what_is_supported() -> None:
    with pytest.raises(SiteError) as error:
        sniff.read(b'{"posts": []}', source="page.json", zones={}, topic_rules={})
    assert str(error.value) == f"page.json: JSON is not a supported capture format; supported: {sniff.supported()}"


def test_every_importer_returns_the_one_record() -> None:
    from zoneinfo import ZoneInfo

    from generator.ingest.record import ParsedCapture

    text = b"A blog\n\n11:29 a.m. ET, July 8, 2023\n\nA headline\n\nSome text.\n"
    (parsed,) = sniff.read(text, source="x.txt", zones={"ET": ZoneInfo("America/New_York")},
                           topic_rules={})
    assert isinstance(parsed, ParsedCapture) and parsed.posts[0].title == "A headline"

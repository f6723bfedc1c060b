"""The test-tool helpers (tools.py) work against the real tools, on tiny pages."""

from __future__ import annotations

import http.client
import struct
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import tools

if TYPE_CHECKING:
    from playwright.sync_api import Browser

VALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Valid page</title>
<link rel="stylesheet" href="style.css"></head>
<body><main><h1>Valid page</h1><p>Hello.</p></main></body>
</html>
"""
# A <div> closes the open <p>, so the </p> has no element to close: a parse error.
INVALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Invalid page</title></head>
<body>
<p><div>block in a paragraph</div></p>
</body>
</html>
"""
IMG_WITHOUT_ALT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Image</title></head>
<body><main><h1>Image</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
</main></body>
</html>
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def get(base_url: str, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A raw GET: http.client sends ``path`` as is (no ``..`` clean-up by the client)."""
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", path)
        with conn.getresponse() as response:
            return response.status, response.headers, response.read()
    finally:
        conn.close()


# --- require --------------------------------------------------------------------------


def test_require_skips_a_missing_tool_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="frobnicator is not available: needs x"):
        tools.require("frobnicator", False, "needs x")


@pytest.mark.parametrize("value", ["true", "True"])
def test_require_fails_a_missing_tool_under_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        tools.require("frobnicator", False, "needs x")


def test_require_passes_an_available_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    tools.require("frobnicator", True, "needs x")


# --- Nu HTML Checker ------------------------------------------------------------------


def test_vnu_reports_errors_only_in_the_invalid_page(
    vnu: Callable[[Sequence[Path]], list[dict[str, Any]]], tmp_path: Path
) -> None:
    valid = write(tmp_path / "valid.html", VALID)
    invalid = write(tmp_path / "invalid.html", INVALID)
    write(tmp_path / "style.css", "this is not css {")  # skipped: --skip-non-html

    errors = vnu([valid, invalid, tmp_path / "style.css"])

    assert errors, "vnu found no error in the invalid page"
    assert {e["file"] for e in errors} == {invalid}
    assert errors[0]["line"] == 5
    assert "“p” end tag" in errors[0]["message"]


def test_vnu_accepts_a_valid_page(
    vnu: Callable[[Sequence[Path]], list[dict[str, Any]]], tmp_path: Path
) -> None:
    assert vnu([write(tmp_path / "valid.html", VALID)]) == []


def test_vnu_refuses_a_missing_file(tmp_path: Path) -> None:
    # vnu itself says nothing and exits 0 for a missing file: a silent pass.
    with pytest.raises(FileNotFoundError, match="nope.html"):
        tools.vnu_errors([tmp_path / "nope.html"])


# --- serve_directory ------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    write(root / "index.html", VALID)
    write(root / "style.css", "body { color: rgb(0, 0, 128); }\n")
    write(root / "feed.xml", '<?xml version="1.0" encoding="utf-8"?><feed/>\n')
    write(root / "day" / "index.html", "<!DOCTYPE html><title>Day</title>\n")
    (root / "empty").mkdir()
    write(tmp_path / "secret.txt", "SECRET")  # next to the served root, never served
    return root


def test_serve_directory_serves_files_under_the_mount(site: Path) -> None:
    with tools.serve_directory(site) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/liveblog-archive/")
        status, headers, body = get(base, "/liveblog-archive/")
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        assert b"<title>Valid page</title>" in body
        assert get(base, "/liveblog-archive/index.html")[0] == 200
        assert get(base, "/liveblog-archive/day/?page=2")[2].startswith(
            b"<!DOCTYPE html><title>Day"
        )


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("feed.xml", "application/xml"), ("style.css", "text/css; charset=utf-8")],
)
def test_serve_directory_sets_content_types(site: Path, name: str, content_type: str) -> None:
    with tools.serve_directory(site) as base:
        status, headers, _ = get(base, f"/liveblog-archive/{name}")
    assert (status, headers["Content-Type"]) == (200, content_type)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/liveblog-archive/day", "/liveblog-archive/day/"),
        ("/liveblog-archive", "/liveblog-archive/"),
    ],
)
def test_serve_directory_redirects_to_the_trailing_slash(
    site: Path, path: str, location: str
) -> None:
    with tools.serve_directory(site) as base:
        status, headers, _ = get(base, path)
    assert (status, headers["Location"]) == (301, location)


@pytest.mark.parametrize(
    "path",
    [
        "/index.html",  # outside the mount
        "/",
        "/liveblog-archiveX/index.html",
        "/liveblog-archive/missing.html",
        "/liveblog-archive/empty/",  # no index.html: 404, not a listing
        "/secret.txt",
        "/liveblog-archive/../secret.txt",
        "/liveblog-archive/../liveblog-archive/../secret.txt",
        "/liveblog-archive/day/../../secret.txt",
        "/liveblog-archive/%2e%2e/secret.txt",
        "/liveblog-archive/..%2fsecret.txt",
        "/liveblog-archive/%2e%2e%2f%2e%2e%2fsecret.txt",
    ],
)
def test_serve_directory_answers_404_outside_the_root(site: Path, path: str) -> None:
    with tools.serve_directory(site) as base:
        status, _, body = get(base, path)
    assert status == 404
    assert b"SECRET" not in body


def test_serve_directory_stops_on_exit(site: Path) -> None:
    with tools.serve_directory(site) as base:
        pass
    with pytest.raises(ConnectionRefusedError):
        get(base, "/liveblog-archive/")


def test_serve_directory_rejects_a_bad_mount(site: Path) -> None:
    with pytest.raises(ValueError, match="mount"):
        with tools.serve_directory(site, mount="/no-trailing-slash"):
            pass


# --- Chromium, axe-core, screenshots ----------------------------------------------------


def test_browser_loads_a_served_page_and_its_stylesheet(chromium: Browser, site: Path) -> None:
    with tools.serve_directory(site) as base, tools.new_page(chromium) as page:
        response = page.goto(base)
        assert response is not None and response.status == 200
        assert page.title() == "Valid page"
        color = page.evaluate("() => getComputedStyle(document.body).color")
        assert color == "rgb(0, 0, 128)"  # style.css was served as text/css and applied


def test_axe_finds_an_image_without_alt(
    chromium: Browser, axe: Callable[..., list[dict[str, Any]]]
) -> None:
    with tools.new_page(chromium) as page:
        page.set_content(IMG_WITHOUT_ALT)
        violations = axe(page)
    assert [(v["id"], v["impact"]) for v in violations] == [("image-alt", "critical")]
    assert violations[0]["targets"] == ["img"]


def test_axe_passes_a_clean_page(
    chromium: Browser, axe: Callable[..., list[dict[str, Any]]], site: Path
) -> None:
    with tools.serve_directory(site) as base, tools.new_page(chromium) as page:
        page.goto(base)
        assert axe(page, min_impact="minor") == []


def test_screenshot_is_a_full_page_png(chromium: Browser, site: Path, tmp_path: Path) -> None:
    write(site / "tall.html", VALID.replace("<p>Hello.</p>", "<p>Hello.</p>" * 200))
    with tools.serve_directory(site) as base:
        out = tools.screenshot(base + "tall.html", tmp_path / "tall.png", 390, 844, using=chromium)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width == 390
    assert height > 844  # full page, not just the viewport

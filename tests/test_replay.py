"""See the original (issue 14 §6): a blog captured in web archives gets its WACZ and a
replay page in public/, and ReplayWeb.page (vendored, pinned) shows the page as captured.

The browser tests drive Debian's Chromium over real HTTP on 127.0.0.1 (a secure
context, so the service worker registers): the built site under /liveblog-archive/
(as GitHub Pages serves it) and `liveblog serve`. They never skip under CI=true.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import tools
from generator.cli import main
from sites import REPO, SAMPLE, SITE_TOML, make_site
from test_serve import free_port, start, stop
from warcs import BLOG_URL, CRAWL, EARLY, EVENING, POSTS, Response, page as blog_page, warc

BLOG = "2024-03-05-storm-live-latest-updates"
REPLAY_DIR = REPO / "generator" / "theme" / "static" / "replay"
HEADLINE = "Storm live: latest updates"


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def archived_site(tmp_path: Path, site_toml: str = SITE_TOML, records: Sequence[Any] = CRAWL) -> Path:
    root = make_site(tmp_path / "site", site_toml=site_toml)
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(warc(records))
    code, _out, err = run(root, "import", str(crawl))
    assert code == 0, err
    return root


def built(root: Path, *args: str) -> Path:
    code, _out, err = run(root, "build", *args)
    assert code == 0, err
    return root / "public"


# The vendored ReplayWeb.page -------------------------------------------------------


def test_the_vendored_replay_files_are_the_pinned_versions_bytes() -> None:
    script = (REPO / "scripts" / "vendor-replay.sh").read_text(encoding="utf-8")
    version = re.search(r"^VERSION=(\S+)$", script, re.M)
    integrity = re.search(r"^INTEGRITY=(\S+)$", script, re.M)
    assert version and integrity
    sums = (REPLAY_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums[0] == f"# replaywebpage {version[1]} (npm), {integrity[1]}"
    recorded = dict(reversed(line.split("  ", 1)) for line in sums[1:])
    assert set(recorded) == {"ui.js", "sw.js", "LICENSE.txt"}
    for name, digest in recorded.items():
        assert hashlib.sha256((REPLAY_DIR / name).read_bytes()).hexdigest() == digest, name
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in (REPLAY_DIR / "LICENSE.txt").read_text(encoding="utf-8")


# What the build publishes ----------------------------------------------------------


def test_a_web_archived_blog_gets_its_wacz_and_a_replay_page_under_the_base_path(tmp_path: Path) -> None:
    root = archived_site(tmp_path)
    public = built(root)
    wacz = public / "live" / BLOG / f"{BLOG}.wacz"
    # The published package is exactly what `liveblog export-wacz` writes.
    assert run(root, "export-wacz", BLOG, str(tmp_path / "exported.wacz"))[0] == 0
    assert wacz.read_bytes() == (tmp_path / "exported.wacz").read_bytes()
    blog_page = (public / "live" / BLOG / "index.html").read_text(encoding="utf-8")
    assert f'<a href="/liveblog-archive/live/{BLOG}/replay/">See the page as captured</a>' in blog_page
    assert f'href="/liveblog-archive/live/{BLOG}/{BLOG}.wacz" download="{BLOG}.wacz"' in blog_page
    replay = (public / "live" / BLOG / "replay" / "index.html").read_text(encoding="utf-8")
    assert '<script src="/liveblog-archive/static/replay/ui.js"></script>' in replay
    assert ('<script src="/liveblog-archive/static/replay/liveblog-replay.js" '
            'data-replay-base="/liveblog-archive/static/replay/"></script>') in replay
    element = re.search(r"<replay-web-page [^>]*>", replay)
    assert element is not None
    assert f'source="/liveblog-archive/live/{BLOG}/{BLOG}.wacz"' in element[0]
    assert f'url="{EVENING.url}" ts="20240305210000"' in element[0]  # the last capture
    assert 'replaybase="/liveblog-archive/static/replay/"' in element[0]
    # Each capture opens the replay at its own time.
    assert "replay/#url=https%3A%2F%2Fwww.example-news.com%2Fworld%2Flive%2F2024%2Fstorm-live&amp;ts=20240305133000" in replay
    # The service worker sits in the folder it serves (its scope is replaybase).
    assert (public / "static" / "replay" / "sw.js").read_bytes() == (REPLAY_DIR / "sw.js").read_bytes()
    assert (public / "static" / "replay" / "ui.js").is_file() and (public / "static" / "replay" / "LICENSE.txt").is_file()
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert f"live/{BLOG}/</loc>" in sitemap and "/replay/" not in sitemap


def test_no_replay_leaves_out_the_wacz_the_replay_page_and_replaywebpage(tmp_path: Path) -> None:
    root = archived_site(tmp_path)
    public = built(root, "--no-replay")
    assert not (public / "live" / BLOG / f"{BLOG}.wacz").exists()
    assert not (public / "live" / BLOG / "replay").exists()
    assert not (public / "static" / "replay").exists()
    assert 'class="replay"' not in (public / "live" / BLOG / "index.html").read_text(encoding="utf-8")
    # Switching it back on, incrementally, gives what a full build gives.
    built(root)
    incremental = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    full = built(root, "--full", "--output", str(tmp_path / "full"))
    assert incremental == {p.relative_to(full): p.read_bytes() for p in full.rglob("*") if p.is_file()}


def test_web_archives_over_the_size_limit_stay_out_of_public_and_the_page_says_so(tmp_path: Path) -> None:
    root = archived_site(tmp_path, SITE_TOML + "\n[replay]\nmax_wacz_mb = 0\n")
    public = built(root)
    assert not (public / "live" / BLOG / f"{BLOG}.wacz").exists()
    assert not (public / "live" / BLOG / "replay").exists() and not (public / "static" / "replay").exists()
    page = (public / "live" / BLOG / "index.html").read_text(encoding="utf-8")
    assert "is over this site's limit of 0 MB for replay, so it is not replayed here" in page


def test_a_blog_from_a_text_capture_gets_no_replay(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    assert run(root, "import", str(SAMPLE))[0] == 0
    public = built(root)
    assert not list(public.rglob("*.wacz")) and not (public / "static" / "replay").exists()


def test_a_new_capture_rewrites_the_published_wacz(tmp_path: Path) -> None:
    root = archived_site(tmp_path, records=[EARLY])
    public = built(root)
    wacz = public / "live" / BLOG / f"{BLOG}.wacz"
    first = wacz.read_bytes()
    later = tmp_path / "later.warc.gz"
    later.write_bytes(warc([EVENING]))
    assert run(root, "import", str(later))[0] == 0
    built(root)
    assert wacz.read_bytes() != first
    assert run(root, "export-wacz", BLOG, str(tmp_path / "now.wacz"))[0] == 0
    assert wacz.read_bytes() == (tmp_path / "now.wacz").read_bytes()


@pytest.mark.parametrize(("table", "message"), [
    ("[replay]\nmax_wacz_mb = \"big\"\n", "'max_wacz_mb': must be an integer, not a string"),
    ("[replay]\nmax_wacz_mb = -1\n", "'max_wacz_mb': must be 0 or more"),
    ("[replay]\nenable = true\n", "'enable': unknown key in [replay] (did you mean 'enabled'?)"),
])
def test_a_bad_replay_table_is_an_error_naming_the_key(tmp_path: Path, table: str, message: str) -> None:
    root = make_site(tmp_path / "site", site_toml=SITE_TOML + "\n" + table)
    code, _out, err = run(root, "build")
    assert code == 1 and message in err


def test_replay_enabled_false_in_site_toml_is_like_no_replay(tmp_path: Path) -> None:
    public = built(archived_site(tmp_path, SITE_TOML + "\n[replay]\nenabled = false\n"))
    assert not list(public.rglob("*.wacz")) and not (public / "static" / "replay").exists()


# Checked like every page ------------------------------------------------------------


def test_the_new_pages_are_valid_html_and_pass_the_link_check(tmp_path: Path,
                                                              vnu: Callable[[Sequence[Path]], list[Any]]) -> None:
    public = built(archived_site(tmp_path))
    code, out, err = run(public.parent, "check", str(public))
    assert code == 0, err
    assert vnu([public / "live" / BLOG / "index.html", public / "live" / BLOG / "replay" / "index.html"]) == []


# In a real browser -------------------------------------------------------------------


def wait_for_replayed_headline(page: Any, seconds: float = 45) -> str:
    """The <h1> of the archived page, once ReplayWeb.page's service worker serves it into its
    frame (nested in the component's frames; the replay URL holds /w/ and the capture time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "/static/replay/w/" not in frame.url:
                continue
            try:
                text = frame.evaluate("() => document.querySelector('h1')?.textContent ?? null")
            except Exception:  # the frame navigated while we asked
                continue
            if text:
                return str(text)
        page.wait_for_timeout(250)
    raise AssertionError(f"no replayed page within {seconds} s; frames: {[f.url for f in page.frames]}")


def test_the_replay_page_shows_the_captured_headline_in_chromium(tmp_path: Path, chromium: Any,
                                                                 axe: Callable[..., list[Any]]) -> None:
    public = built(archived_site(tmp_path))
    with tools.serve_directory(public) as base, tools.new_page(chromium) as page:
        page.goto(base + f"live/{BLOG}/replay/")
        assert wait_for_replayed_headline(page) == HEADLINE
        frame = next(f for f in page.frames if "/static/replay/w/" in f.url)
        assert "20240305210000" in frame.url  # the last capture, as the element asks
        assert axe(page) == []
        with tools.new_page(chromium, 390, 844) as phone:
            phone.goto(base + f"live/{BLOG}/")
            assert axe(phone) == []  # the blog page with its replay links
            phone.get_by_role("link", name="See the page as captured").click()
            phone.wait_for_url(base + f"live/{BLOG}/replay/**")
            assert axe(phone) == []
        # A capture's link opens the replay at that capture's time.
        page.goto(base + f"live/{BLOG}/replay/#url={EARLY.url}&ts=20240305133000")
        page.reload()
        assert wait_for_replayed_headline(page) == HEADLINE
        assert any("20240305133000" in f.url for f in page.frames if "/static/replay/w/" in f.url)


# A captured page that tries to take over the archive's own page once replayed.
FRAME_BUSTER = (b"<script>setTimeout(function () {"
                b" window.top.document.title = 'taken over'; window.parent.document.title = 'taken over';"
                b" window.top.location.href = 'http://127.0.0.1:9/elsewhere'; }, 200)</script></body>")


def test_a_replayed_page_cannot_take_over_or_leave_the_replay_page(tmp_path: Path, chromium: Any) -> None:
    hostile = blog_page([POSTS[1]], "2024-03-05T13:15:00Z").replace(b"</body>", FRAME_BUSTER)
    public = built(archived_site(tmp_path, records=[Response(BLOG_URL, "2024-03-05T13:30:00Z", hostile)]))
    with tools.serve_directory(public) as base, tools.new_page(chromium) as page:
        page.goto(base + f"live/{BLOG}/replay/")
        # The script has run once ReplayWeb.page's frame shows the page it sent `top` to:
        # kept inside the replay, as the archived site's own link would be. (Waiting for
        # the archived headline first raced the script's 200 ms on a loaded machine.)
        deadline = time.monotonic() + 45
        while not any("/static/replay/w/" in f.url and f.url.endswith("/127.0.0.1:9/elsewhere")
                      for f in page.frames):
            assert time.monotonic() < deadline, f"the script never ran; frames: {[f.url for f in page.frames]}"
            page.wait_for_timeout(250)
        page.wait_for_timeout(500)
        assert page.url.startswith(base + f"live/{BLOG}/replay/")
        assert page.title() == f"{HEADLINE}: the page as captured · Test archive"


def test_the_replay_works_from_liveblog_serve(tmp_path: Path, chromium: Any) -> None:
    root = archived_site(tmp_path, (REPO / "site.toml").read_text(encoding="utf-8"))
    port = free_port()
    process, lines = start(root, "--port", str(port))
    try:
        with tools.new_page(chromium) as page:
            page.goto(f"http://127.0.0.1:{port}/liveblog-archive/live/{BLOG}/replay/")
            assert wait_for_replayed_headline(page) == HEADLINE
    finally:
        assert stop(process, lines) == 0, "".join(lines)

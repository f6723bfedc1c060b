"""`liveblog capture` (issue 14): a live blog on 127.0.0.1 that changes between
requests and misbehaves (tests/livesite.py), recorded by the real command into
a real WARC, read back with warcio, imported and built.

The command runs as a subprocess (as a user runs it: signals, exit codes,
files left on disk after a SIGKILL), against a server in this process.
"""

from __future__ import annotations

import gzip
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import tools
from livesite import LiveBlog, live_blog
from sites import make_site, snapshot
from test_replay import wait_for_replayed_headline
from warcio.archiveiterator import ArchiveIterator

from generator.archive.fetch import decode_body, user_agent
from generator.archive.robots import rules_from
from generator.core import frontmatter
from generator.ingest.html.pagination import older_pages, same_page

BIN = Path(sys.executable).parent
SITE_TOML = 'title = "Election archive"\nbase_url = "https://example.org/archive/"\ntimezone = "UTC"\n'
BLOG = "content/2026-12-02-election-day-live"
B_FILE = f"{BLOG}/2026-12-02-1015-turnout-higher-than-last-time.md"
C_FILE = f"{BLOG}/2026-12-02-1130-queues-in-the-capital.md"
ROUND = re.compile(r"^round (\d+) at \S+: (\d+) pages?(?: \((\d+) unchanged\))?; posts (\d+) new, (\d+) changed, "
                   r"(\d+) removed; [\d,]+ bytes written$", re.MULTILINE)


def capture(root: Path, url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "liveblog"), "--site", str(root), "capture", url, "--delay", "0", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=root)


def start_capture(root: Path, url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "liveblog"), "--site", str(root), "capture", url, "--delay", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)


def records(path: Path) -> list[dict[str, str]]:
    """Every record of the WARC as warcio reads it (digests checked), headers only."""
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            headers = dict(record.rec_headers.headers)
            headers["status"] = record.http_headers.get_statuscode() if record.http_headers else ""
            record.content_stream().read()
            assert not (record.digest_checker.problems if record.digest_checker else []), headers
            found.append(headers)
    return found


def meta(root: Path, rel: str) -> dict[str, object]:
    return frontmatter.split((root / rel).read_text(encoding="utf-8"), rel)[0]


def wait_for(condition: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", site_toml=SITE_TOML)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.CompletedProcess[str], LiveBlog]]:
    """Five rounds, one second apart, of the misbehaving live blog (the acceptance run)."""
    root = make_site(tmp_path_factory.mktemp("capture") / "site", site_toml=SITE_TOML)
    with live_blog(LiveBlog(stall=2.0)) as blog:
        done = capture(root, blog.base + "/live/", "--every", "1s", "--count", "5", "--timeout", "1",
                       "--out", "captures/election.warc.gz", "--contact", "archive@example.org")
        yield root, done, blog


# The acceptance run --------------------------------------------------------------

def test_five_rounds_print_what_each_added_changed_and_removed(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    _, done, _ = recorded
    assert done.returncode == 0, done.stderr
    rounds = [tuple(int(g or 0) for g in m.groups()) for m in ROUND.finditer(done.stdout)]
    # (round, pages, unchanged, new, changed, removed)
    assert rounds == [(1, 2, 0, 4, 0, 0), (2, 2, 2, 0, 0, 0), (3, 3, 0, 1, 0, 0), (4, 3, 0, 0, 1, 0),
                      (5, 2, 0, 0, 0, 1)], done.stdout
    assert "done: 5 rounds, 12 pages" in done.stdout


def test_the_warc_lists_every_request_response_revisit_and_round(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, _ = recorded
    warc = root / "captures/election.warc.gz"
    listed = subprocess.run([str(BIN / "warcio"), "index", str(warc)], capture_output=True, text=True, check=True)
    types = [re.search(r'"warc-type": "(\w+)"', line).group(1)  # type: ignore[union-attr]
             for line in listed.stdout.splitlines()]
    assert types[0] == "warcinfo"
    assert types.count("metadata") == 5  # one round record per round
    assert types.count("revisit") == 2  # round 2: the server said 304 for both pages
    assert types.count("response") == 1 + 10  # robots.txt, and the pages of rounds 1, 3, 4, 5
    assert types.count("request") == types.count("response") + types.count("revisit")
    found = records(warc)
    assert all(r["WARC-Type"] == "warcinfo" or r["WARC-Date"].endswith("Z") for r in found)
    info = found[0]
    assert info["WARC-Filename"] == "election.warc.gz"
    revisits = [r for r in found if r["WARC-Type"] == "revisit"]
    assert {r["WARC-Profile"] for r in revisits} == {"http://netpreserve.org/warc/1.1/revisit/server-not-modified"}
    ids = {r["WARC-Record-ID"]: r for r in found}
    assert all(ids[r["WARC-Refers-To"]]["WARC-Type"] == "response" for r in revisits)
    requests = [r for r in found if r["WARC-Type"] == "request"]
    assert all(ids[r["WARC-Concurrent-To"]]["WARC-Target-URI"] == r["WARC-Target-URI"] for r in requests)


def test_every_request_was_polite_and_conditional(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, blog = recorded
    with (root / "captures/election.warc.gz").open("rb") as stream:
        sent = [record.http_headers.to_str() for record in ArchiveIterator(stream) if record.rec_type == "request"]
    assert all(user_agent("archive@example.org") in text for text in sent)
    assert "contact: archive@example.org" in user_agent("archive@example.org")
    assert all("Accept-Encoding: gzip, deflate" in text for text in sent)
    assert sum("If-None-Match" in text for text in sent) >= 2
    log = [status for path, status in blog.log]
    assert blog.log[0] == ("/robots.txt", 200)
    assert log.count(503) == 1 and log.count(304) == 2
    # The stalled page (round 3) and the reset one (round 4) were fetched again.
    assert [path for path, _ in blog.log].count("/live/?page=2") == 5 + 2
    assert blog.faults == set()  # every fault fired


def test_the_content_holds_every_post_its_earlier_text_and_the_removal(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, _ = recorded
    posts = sorted(p.name for p in (root / BLOG).glob("2026-*.md"))
    assert posts == ["2026-12-02-0900-polls-open-across-the-country.md", "2026-12-02-1015-turnout-higher-than-last-time.md",
                     "2026-12-02-1130-queues-in-the-capital.md", "2026-12-02-1245-candidates-cast-their-votes.md",
                     "2026-12-02-1405-polls-close-in-one-hour.md"]
    edited = meta(root, C_FILE)
    assert [r["text"] for r in edited["revisions"]] == ["Voters queued for an hour in the centre."]  # type: ignore[index]
    assert "up to two hours" in (root / C_FILE).read_text(encoding="utf-8")
    blog = meta(root, f"{BLOG}/_blog.md")
    captures = blog["captures"]
    assert isinstance(captures, list) and len(captures) == 5
    assert [len(c["post_ids"]) for c in captures] == [4, 4, 5, 5, 4]
    assert captures[3]["changed_ids"] == ["2026-12-02-1130-queues-in-the-capital"]
    removed = meta(root, B_FILE)
    assert removed["removed_in"] == f"captures/election.warc.gz@{captures[4]['record_offset']}"
    assert removed["removed_after"] == captures[4]["captured_at"]
    assert "2026-12-02-1015-turnout-higher-than-last-time" not in captures[4]["post_ids"]


def test_a_second_import_of_the_warc_changes_nothing_and_verify_passes(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, _ = recorded
    before = snapshot(root / "content")
    done = subprocess.run([str(BIN / "liveblog"), "--site", str(root), "import", "captures/election.warc.gz"],
                          capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "0 new, 0 changed" in done.stdout
    assert snapshot(root / "content") == before
    verified = subprocess.run([str(BIN / "liveblog"), "--site", str(root), "verify"], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_built_blog_page_shows_the_capture_history(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, _ = recorded
    out = root / "built"
    done = subprocess.run([str(BIN / "liveblog"), "--site", str(root), "build", "--output", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (out / "live/2026-12-02-election-day-live/index.html").read_text(encoding="utf-8")
    history = page[page.index('id="capture-history"'):page.index('id="provenance"')]
    items = re.findall(r'<li id="capture-(\d)">(.*?)</li>', history, re.S)
    assert [n for n, _ in items] == ["1", "2", "3", "4", "5"]
    text = {int(n): re.sub(r"<[^>]+>", "", body) for n, body in items}
    assert "4 posts shown" in text[1] and text[1].count(";") >= 3 and "Added:" in text[1]
    assert "No change." in text[2]
    assert "Added: Polls close in one hour" in text[3]
    assert "Changed: Queues in the capital" in text[4]
    assert "Removed: Turnout higher than last time" in text[5]
    assert '<a href="/archive/2026/12/02/1015-turnout-higher-than-last-time/">' in items[4][1]
    removed_page = (out / "2026/12/02/1015-turnout-higher-than-last-time/index.html").read_text(encoding="utf-8")
    assert "not on the live blog from" in removed_page and "last seen in the capture of" in removed_page
    day = (out / "2026/12/02/index.html").read_text(encoding="utf-8")
    assert "Turnout higher than last time" in day  # a removed post is never hidden


# Stopping and starting again -------------------------------------------------------

def test_a_capture_killed_mid_round_resumes_with_no_round_lost_or_twice(site: Path) -> None:
    with live_blog(LiveBlog(faults={"stall"}, stall=30.0)) as blog:
        url = blog.base + "/live/"
        process = start_capture(site, url, "--every", "0.2s", "--count", "5", "--timeout", "60",
                                "--out", "captures/run.warc.gz")
        try:
            wait_for(lambda: blog.state == 3 and blog.log and blog.log[-1][0] == "/live/?page=2", 30)
            time.sleep(0.3)
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=10)
        warc = site / "captures/run.warc.gz"
        assert sum(r["WARC-Type"] == "metadata" for r in records(warc)) == 2  # rounds 1 and 2 whole
        # A record torn by the kill: half a gzip member at the end.
        torn = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 4000)
        with warc.open("ab") as stream:
            stream.write(torn[: len(torn) // 2])
        done = capture(site, url, "--every", "0.2s", "--count", "2", "--timeout", "5", "--out", "captures/run.warc.gz")
    assert done.returncode == 0, done.stderr
    assert f"cut {len(torn) // 2:,} bytes" in done.stderr
    assert "2 earlier rounds; importing them" in done.stderr
    assert re.findall(r"^round (\d+)", done.stdout, re.M) == ["3", "4"]
    found = records(warc)
    rounds = [r for r in found if r["WARC-Type"] == "metadata"]
    assert len(rounds) == 4
    blog_meta = meta(site, f"{BLOG}/_blog.md")
    assert len(blog_meta["captures"]) == 4  # type: ignore[arg-type]
    assert (site / B_FILE).is_file() and (site / C_FILE).is_file()
    assert len(list((site / BLOG).glob("2026-*.md"))) == 5


def test_sigint_ends_the_capture_after_the_round_under_way(site: Path) -> None:
    with live_blog(LiveBlog(faults=set())) as blog:
        process = start_capture(site, blog.base + "/live/", "--every", "30s", "--out", "captures/int.warc.gz")
        assert process.stdout is not None
        first = process.stdout.readline() + process.stdout.readline()
        assert "round 1" in first, first
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped: 1 round" in out
    assert sum(r["WARC-Type"] == "metadata" for r in records(site / "captures/int.warc.gz")) == 1


# Politeness and deduplication -----------------------------------------------------

def test_a_page_robots_txt_disallows_is_not_captured_unless_told(site: Path) -> None:
    with live_blog(LiveBlog(faults=set(), robots="User-agent: liveblog\nDisallow: /live/\n")) as blog:
        url = blog.base + "/live/"
        refused = capture(site, url, "--count", "1", "--out", "captures/r.warc.gz")
        assert refused.returncode == 0, refused.stderr
        assert "robots.txt disallows it" in refused.stdout
        assert not (site / BLOG).exists()
        assert [path for path, _ in blog.log] == ["/robots.txt"]
        allowed = capture(site, url, "--count", "1", "--ignore-robots", "--out", "captures/r.warc.gz")
    assert allowed.returncode == 0, allowed.stderr
    assert (site / f"{BLOG}/_blog.md").is_file()


def test_an_unchanged_page_without_an_etag_is_a_revisit_by_payload_digest(site: Path) -> None:
    with live_blog(LiveBlog(faults=set(), etags=False)) as blog:
        done = capture(site, blog.base + "/live/", "--every", "0.1s", "--count", "2", "--no-import",
                       "--out", "captures/d.warc.gz")
    assert done.returncode == 0, done.stderr
    revisits = [r for r in records(site / "captures/d.warc.gz") if r["WARC-Type"] == "revisit"]
    assert len(revisits) == 2
    assert {r["WARC-Profile"] for r in revisits} == {"http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"}
    assert not (site / "content" / "2026-12-02-election-day-live").exists()  # --no-import


@pytest.mark.parametrize(("args", "message"), [
    (["--every", "soon"], "--every must be a duration"),
    (["--until", "tonight"], "--until is not an ISO 8601 time"),
    (["--count", "0"], "--count"),
])
def test_bad_option_values_exit_2_and_write_nothing(site: Path, args: list[str], message: str) -> None:
    before = snapshot(site)
    done = capture(site, "http://127.0.0.1:9/live/", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert snapshot(site) == before


def test_a_url_that_is_not_http_is_refused(site: Path) -> None:
    done = capture(site, "file:///etc/passwd", "--count", "1")
    assert done.returncode == 2 and "not an http(s) address" in done.stderr


def test_a_file_that_is_not_a_warc_is_not_appended_to(site: Path) -> None:
    (site / "captures").mkdir()
    (site / "captures/notes.warc.gz").write_bytes(b"my notes, not gzip")
    before = snapshot(site)
    done = capture(site, "http://127.0.0.1:9/live/", "--count", "1", "--out", "captures/notes.warc.gz")
    assert done.returncode == 1 and "not a gzip'd WARC" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(site) == before


# The parts, as specified ------------------------------------------------------------

def test_older_pages_are_found_as_outlets_mark_them() -> None:
    url = "https://www.theguardian.com/world/live/2026/dec/02/election-live"
    page = f"""<html><head><link rel="next" href="{url}?page=with:block-3"></head><body>
      <a data-link-name="older page" href="?page=with:block-2#liveblog-navigation">Previous</a>
      <a href="/world/live/2026/dec/02/election-live?page=with:block-4">Older posts</a>
      <a href="/world/other-article">Older posts</a>
      <a href="https://evil.example/world/live/2026/dec/02/election-live?page=2" rel="next">Next</a>
      <a href="{url}">Newest</a><a href="javascript:alert(1)">Load more</a></body></html>"""
    assert older_pages(page, url) == (f"{url}?page=with:block-2", f"{url}?page=with:block-3", f"{url}?page=with:block-4")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc/?=:.#%-_ ", max_size=30), max_size=8))
def test_older_pages_never_leave_the_page(hrefs: list[str]) -> None:
    url = "https://news.example/live/blog"
    links = "".join(f'<a rel="next" href="{h.replace(chr(34), "")}">Older posts</a>' for h in hrefs)
    found = older_pages(f"<body>{links}</body>", url)
    assert len(found) == len(set(found))
    for address in found:
        assert address.startswith("https://news.example/live/blog") and "#" not in address
        assert same_page(url, address) == address


def test_a_gzip_body_cut_short_is_refused_not_kept() -> None:
    body = gzip.compress(b"<html>" + b"x" * 5000 + b"</html>")
    assert decode_body(body, "gzip").startswith(b"<html>")
    with pytest.raises(ValueError, match="cut short"):
        decode_body(body[:-20], "gzip")
    with pytest.raises(ValueError, match="not asked for"):
        decode_body(body, "br")


@pytest.mark.parametrize(("status", "body", "allowed"), [
    (200, b"User-agent: *\nDisallow: /live/\n", False),
    (200, b"User-agent: liveblog\nAllow: /\n\nUser-agent: *\nDisallow: /\n", True),
    (404, b"", True),  # RFC 9309 2.3.1.3: unavailable, anything may be fetched
    (403, b"", True),
    (503, b"", False),  # 2.3.1.4: unreachable, nothing may be fetched
    (None, b"", False),
])
def test_robots_txt_answers_mean_what_rfc_9309_says(status: int | None, body: bytes, allowed: bool) -> None:
    assert rules_from(status, body).allows("https://news.example/live/") is allowed


def test_the_recorded_pages_replay_from_the_warc_as_served(recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog]) -> None:
    root, _, blog = recorded
    with (root / "captures/election.warc.gz").open("rb") as stream:
        pages = [record.content_stream().read() for record in ArchiveIterator(stream)
                 if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI").endswith("/live/")]
    assert pages[0] == blog.html(1, 1)  # the gzip'd body, as sent, undone by warcio on reading
    assert all(b"Election day live" in page for page in pages)


def test_the_recorded_rounds_replay_in_chromium_and_the_pages_are_valid(
        recorded: tuple[Path, subprocess.CompletedProcess[str], LiveBlog], chromium: Any,
        vnu: Callable[[Sequence[Path]], list[Any]]) -> None:
    """The WARC a capture wrote (gzip'd bodies, 304 revisits, round records) is published as
    a WACZ that ReplayWeb.page replays, and the blog page with its history is valid HTML."""
    root, _, _ = recorded
    out = root / "replayed"
    done = subprocess.run([str(BIN / "liveblog"), "--site", str(root), "build", "--output", str(out),
                           "--base-url", "http://127.0.0.1/liveblog-archive/"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    blog_page = out / "live/2026-12-02-election-day-live/index.html"
    assert vnu([blog_page, out / "2026/12/02/1015-turnout-higher-than-last-time/index.html"]) == []
    with tools.serve_directory(out) as base, tools.new_page(chromium) as page:
        page.goto(base + "live/2026-12-02-election-day-live/replay/")
        assert wait_for_replayed_headline(page) == "Election day live"


def test_a_second_capture_into_the_same_warc_is_refused(site: Path) -> None:
    with live_blog(LiveBlog(faults=set())) as blog:
        url = blog.base + "/live/"
        first = start_capture(site, url, "--every", "30s", "--out", "captures/one.warc.gz")
        assert first.stdout is not None
        assert "round 1" in first.stdout.readline() + first.stdout.readline()
        second = capture(site, url, "--count", "1", "--out", "captures/one.warc.gz")
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=20)
    assert second.returncode == 1
    assert "another liveblog capture is writing to this WARC" in second.stderr
    assert sum(r["WARC-Type"] == "metadata" for r in records(site / "captures/one.warc.gz")) == 1

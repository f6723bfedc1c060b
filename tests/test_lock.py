"""One process at a time changes a site (issue 17 §11): concurrent real imports lose
nothing, a waiting process says so, and gives up after --lock-timeout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.core.errors import SiteError
from generator.core.lock import site_lock
from sites import REPO, SAMPLE, make_site

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"
BLOG = "content/2023-07-08-russia-ukraine-news"
STAMP = re.compile(r"^\d{1,2}:\d\d [ap]\.m\. ET, July 8, 2023$", re.MULTILINE)
PAIRS = 10


def new_site(path: Path) -> Path:
    return make_site(path, site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))


def halves(tmp_path: Path) -> tuple[Path, Path]:
    """Two captures of the sample blog: its first five posts, and its last five (one post in both)."""
    text = SAMPLE.read_text(encoding="utf-8")
    starts = [m.start() for m in STAMP.finditer(text)]
    header, posts = text[:starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    first, second = tmp_path / "early.txt", tmp_path / "late.txt"
    first.write_text(header + "".join(posts[:5]), encoding="utf-8")
    second.write_text(header + "".join(posts[4:]), encoding="utf-8")
    return first, second


def liveblog(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", "--site", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def together(root: Path, *commands: tuple[str, ...]) -> list[tuple[int, str]]:
    processes = [liveblog(root, *command) for command in commands]
    results = []
    for process in processes:
        _out, err = process.communicate(timeout=120)
        results.append((process.returncode, err))
    return results


def verify(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--site", str(root), "verify"])
    return result.exit_code, result.output


def test_two_captures_of_one_blog_imported_at_once_are_both_merged(tmp_path: Path) -> None:
    early, late = halves(tmp_path)
    lost = 0
    for pair in range(PAIRS):
        root = new_site(tmp_path / f"site-{pair}")
        results = together(root, ("import", str(early)), ("import", str(late)))
        assert all(code == 0 for code, _err in results), results
        blog = (root / BLOG / "_blog.md").read_text(encoding="utf-8")
        posts = [p for p in (root / BLOG).glob("*.md") if p.name != "_blog.md"]
        merged = "file: captures/early.txt" in blog and "file: captures/late.txt" in blog
        lost += not (merged and len(posts) == 9 and verify(root)[0] == 0)
    assert lost == 0, f"{lost} of {PAIRS} concurrent pairs lost a merge"


def test_two_blogs_imported_at_once_both_reach_the_manifests(tmp_path: Path) -> None:
    other = FIXTURES / "relative-times.txt"
    lost = 0
    for pair in range(PAIRS):
        root = new_site(tmp_path / f"site-{pair}")
        results = together(root, ("import", str(SAMPLE)), ("import", str(other)))
        assert all(code == 0 for code, _err in results), results
        captures = (root / "captures/manifest-sha256.txt").read_text()
        blogs = sorted(p.parent.name for p in (root / "content").glob("*/_blog.md"))
        content = (root / "content/manifest-sha256.txt").read_text()
        complete = (SAMPLE.name in captures and other.name in captures and len(blogs) == 2
                    and all(f"  {blog}/_blog.md\n" in content for blog in blogs))
        lost += not (complete and verify(root)[0] == 0)
    assert lost == 0, f"{lost} of {PAIRS} concurrent pairs lost a manifest entry"


def test_a_second_process_says_it_waits_then_gives_up_after_the_timeout(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    with site_lock(root, 1):
        started = time.monotonic()
        process = liveblog(root, "--lock-timeout", "0.5", "build")
        _out, err = process.communicate(timeout=60)
        waited = time.monotonic() - started
    assert process.returncode == 1
    assert err.splitlines() == [
        f"waiting for another liveblog process (pid {os.getpid()}) to finish with this site…",
        f"Error: {root}: another liveblog process (pid {os.getpid()}) is still changing this site "
        "(waited 0.5 s; let it finish, or pass a longer --lock-timeout)",
    ]
    assert waited >= 0.5
    assert not (root / "public").exists() and not (root / ".liveblog").exists()


def test_a_waiting_build_goes_on_once_the_lock_is_free(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    assert CliRunner().invoke(main, ["--site", str(root), "import", str(SAMPLE)]).exit_code == 0
    with site_lock(root, 1):
        process = liveblog(root, "--lock-timeout", "60", "build")
        time.sleep(1.0)
        assert process.poll() is None, "the build did not wait"
        assert not (root / "public").exists()
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "waiting for another liveblog process" in err
    assert (root / "public/index.html").is_file()


def test_a_killed_holder_never_leaves_the_site_locked(tmp_path: Path) -> None:
    root = new_site(tmp_path / "site")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from generator.core.lock import site_lock\n"
         "with site_lock(Path(sys.argv[1]), 1):\n"
         "    print('held', flush=True); time.sleep(60)", str(root)],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(SiteError, match="is still changing this site"):
            with site_lock(root, 0.2):
                pass
        holder.kill()
        holder.wait()
        with site_lock(root, 0):
            pass
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_bad_lock_timeout_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["--lock-timeout", "-1", "build"])
    assert result.exit_code == 2 and "--lock-timeout" in result.output

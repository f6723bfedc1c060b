"""A build killed at any moment leaves public/ one whole build, and the next build
cleans up after it (issue 17 §9, §10).

Real `liveblog build` subprocesses are SIGKILLed at named points of the publish
step (publish/staging.py `crash_point`, armed by LIVEBLOG_TEST_CRASH_AT) and at
random moments; public/ must then equal, byte for byte, either the build before
or the build after, never a mixture, and never be missing.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.publish import atomic, staging
from sites import REPO, SAMPLE, make_site, snapshot

BLOG = "content/2023-07-08-russia-ukraine-news"
EDITED = f"{BLOG}/2023-07-08-0855-no-date-set-yet-for-putin-visit-to-turkey-kremlin-says.md"
DELETED = f"{BLOG}/2023-07-08-0906-russian-shelling-kills-at-least-8-people-in-ukrainian-city-of-lyman-regional.md"

# (build arguments, crash point): every step of both kinds of publish.
INCREMENTAL_POINTS = ["write:0", "write:2", "link:0", "link:10", "link:20", "manifest:0", "swap:0", "swapped:0"]
FULL_POINTS = ["write:0", "write:25", "manifest:0", "swap:0", "swapped:0"]


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--site", str(root), *args])
    return result.exit_code, result.output


def edit(root: Path) -> None:
    """One post changed, one deleted, one static file added: pages written and removed."""
    post = root / EDITED
    post.write_text(post.read_text(encoding="utf-8").replace("Kremlin", "The Kremlin", 1), encoding="utf-8")
    (root / DELETED).unlink()
    (root / "static" / "extra.css").write_text("p { margin: 0 }\n")


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("public."))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """A pristine built site to copy, and public/ before (A) and after (B) the edit."""
    base = tmp_path_factory.mktemp("crash")
    # Built where the tests' copies will be (the build state is kept by the output's path).
    site = make_site(base / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(site, "import", str(SAMPLE))[0] == 0
    assert run(site, "build", "--no-search")[0] == 0
    before = snapshot(site / "public")
    pristine = site.rename(base / "pristine")
    probe = fresh(base, pristine)
    edit(probe)
    code, output = run(probe, "build", "--no-search")
    assert code == 0 and "full build" not in output, output
    after = snapshot(probe / "public")
    assert before != after
    return base, pristine, before, after


def fresh(base: Path, pristine: Path) -> Path:
    """The pristine site again, where it was built, with modification times kept
    (the build state compares them)."""
    root = base / "site"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(pristine, root, symlinks=True)
    return root


def killed_build(root: Path, point: str, *args: str) -> int:
    env = {**os.environ, "LIVEBLOG_TEST_CRASH_AT": point}
    process = subprocess.run([sys.executable, "-m", "generator", "--site", str(root), "-q", "build", "--no-search", *args],
                             env=env, capture_output=True, text=True, timeout=120)
    return process.returncode


@pytest.mark.parametrize(("args", "point"), [((), p) for p in INCREMENTAL_POINTS]
                         + [(("--full",), p) for p in FULL_POINTS])
def test_a_build_killed_at_any_point_leaves_one_whole_build(
        sites: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], args: tuple[str, ...], point: str) -> None:
    base, pristine, before, after = sites
    root = fresh(base, pristine)
    edit(root)
    assert killed_build(root, point, *args) == -signal.SIGKILL, f"{point} was never reached"
    published = snapshot(root / "public")
    assert published in (before, after), f"killed at {point}: public/ is neither build"
    assert published == (after if point == "swapped:0" else before)
    assert leftovers(root), "the killed build's staging folder is there to clean up"
    # §9: the next build removes what the killed one left, and gives the new site.
    code, output = run(root, "build", "--no-search")
    assert code == 0, output
    assert snapshot(root / "public") == after
    assert leftovers(root) == []


def test_builds_killed_at_random_moments_never_leave_a_partial_site(
        sites: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]) -> None:
    base, pristine, before, after = sites
    rng = random.Random(17)
    states = {"before": 0, "after": 0}
    for _attempt in range(6):
        root = fresh(base, pristine)
        edit(root)
        process = subprocess.Popen([sys.executable, "-m", "generator", "--site", str(root), "-q", "build", "--no-search"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        published = snapshot(root / "public")
        assert published in (before, after)
        states["before" if published == before else "after"] += 1
        assert run(root, "build", "--no-search")[0] == 0
        assert snapshot(root / "public") == after and leftovers(root) == []
    assert sum(states.values()) == 6


def test_a_live_builds_staging_folder_is_never_removed(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(SAMPLE))[0] == 0
    # Another process, alive, holding a staging folder beside public/.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from generator.publish.staging import new_folder; "
         "print(new_folder(Path(sys.argv[1]), 'tmp'), flush=True); time.sleep(60)", str(root / "public")],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout is not None
        theirs = Path(holder.stdout.readline().strip())
        (theirs / "half-written.html").write_text("<p>in progress")
        foreign = root / "public.tmp-not-ours"  # no owner note: not ours to judge
        foreign.mkdir()
        assert run(root, "build", "--no-search")[0] == 0
        assert run(root, "build", "--no-search", "--full")[0] == 0
        assert (theirs / "half-written.html").exists() and foreign.is_dir()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert run(root, "build", "--no-search", "--full")[0] == 0
    assert not theirs.exists() and not Path(f"{theirs}.owner").exists()
    assert foreign.is_dir()


def test_an_owner_whose_pid_was_reused_is_dead(tmp_path: Path) -> None:
    me = staging.this_process()
    assert staging.alive(me)
    assert not staging.alive(staging.Owner(me.pid, started="1", boot=me.boot, host=me.host))
    assert not staging.alive(staging.Owner(me.pid, started=me.started, boot="another-boot", host=me.host))
    assert staging.alive(staging.Owner(me.pid, started=me.started, boot=me.boot, host="another-host"))


def test_without_renameat2_the_two_renames_still_swap_whole_trees(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "exchange", lambda _a, _b: False)
    out = tmp_path / "public"
    atomic.publish(iter([("a.html", b"one"), ("b/c.html", b"two")]), out)
    hashes, _stats = atomic.publish(iter([("a.html", b"three")]), out)
    assert snapshot(out) == {"a.html": b"three", "manifest-sha256.txt": (out / "manifest-sha256.txt").read_bytes()}
    written, _all, gone = atomic.update_in_place(iter([("d.html", b"four")]), iter(["a.html"]), out, hashes)
    assert written == ["d.html"] and gone == ["a.html"]
    assert sorted(snapshot(out)) == ["d.html", "manifest-sha256.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_the_swap_uses_renameat2_exchange_on_linux(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("in a")
    (tmp_path / "b").mkdir()
    assert atomic.exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "x").read_text() == "in a" and not (tmp_path / "a" / "x").exists()


def test_unchanged_files_are_hard_linked_not_rewritten(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run(root, "import", str(SAMPLE))[0] == 0
    assert run(root, "build", "--no-search")[0] == 0
    css = root / "public/static/style.css"
    inode = css.stat().st_ino
    edit(root)
    assert run(root, "build", "--no-search")[0] == 0
    assert css.stat().st_ino == inode

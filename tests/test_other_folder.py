"""Every command works with --site from another working folder, after a build made
in the site folder (issue 17 §12: the content cache kept paths as the working
folder saw them, so `cd /tmp && liveblog --site SITE build` failed)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sites import REPO, SAMPLE, SAMPLE_URL, make_site
from test_serve import free_port, start, stop

POST = "content/2023-07-08-russia-ukraine-news/2023-07-08-0855-no-date-set-yet-for-putin-visit-to-turkey-kremlin-says.md"


def liveblog(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, run in `cwd` (a relative path in it means what it means there)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def built(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A site imported and built from inside its folder (relative paths in its cache),
    and another folder to run commands from."""
    site = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    for args in (("import", str(SAMPLE), "--source-url", SAMPLE_URL, "--captured-at", "unknown"), ("build",)):
        done = liveblog(site, *args)
        assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    yield site, elsewhere


def test_every_command_runs_with_site_from_another_folder(built: tuple[Path, Path]) -> None:
    site, elsewhere = built
    stat = (site / POST).stat()  # one post touched: the build reads it again, the others from the cache
    os.utime(site / POST, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    runs = [
        ("build",), ("check",), ("verify",), ("import", str(SAMPLE), "--captured-at", "unknown"),
        ("build",), ("verify",), ("export-bag", str(elsewhere / "bag")),
    ]
    for args in runs:
        done = liveblog(elsewhere, "--site", str(site), *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert "No date set yet" in (site / "public" / "2023" / "07" / "08" / "index.html").read_text(encoding="utf-8")
    assert (elsewhere / "bag" / "bagit.txt").is_file()
    assert not (elsewhere / "public").exists() and not (elsewhere / "content").exists()
    created = liveblog(elsewhere, "--site", str(site), "init", "fresh")
    assert created.returncode == 0, created.stderr
    assert (elsewhere / "fresh" / "site.toml").is_file()


def test_serve_starts_with_site_from_another_folder(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    site, elsewhere = built
    monkeypatch.chdir(elsewhere)
    process, lines = start(site, "--port", str(free_port()))
    try:
        assert any("Serving on" in line for line in lines)
    finally:
        assert stop(process, lines) == 0, "".join(lines)
    assert "Traceback" not in "".join(lines)

"""The command line: help, version, exit codes, progress, and `liveblog check`."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.build import build
from generator.cli import PROGRESS_THRESHOLD, Progress, main
from sites import BLOG, REPO, SAMPLE, make_site, post

BLOG_DIR = "content/2023-07-08-test-news"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["import", "build", "check", "serve", "init"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _err = run(command, "--help")
    assert code == 0 and "Example:" in out and f"liveblog {command}" in out


def test_version() -> None:
    code, out, _err = run("--version")
    assert code == 0 and out.startswith("liveblog, version ")


def test_a_usage_error_exits_2() -> None:
    code, _out, err = run("build", "--no-such-option")
    assert code == 2 and "No such option" in err


def test_no_site_toml_is_a_one_line_error(tmp_path: Path) -> None:
    code, out, err = run("--site", str(tmp_path), "build")
    assert code == 1 and out == ""
    assert err == f"Error: {tmp_path / 'site.toml'}: no site.toml here (run in a site folder or pass --site PATH)\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def big_site(root: Path, posts: int) -> Path:
    files = {f"{BLOG_DIR}/_blog.md": BLOG}
    for i in range(posts):
        files[f"{BLOG_DIR}/p{i}.md"] = post(f"2023-07-08-{i:04d}-p", f"2023-07-08T{i // 60 % 24:02d}:{i % 60:02d}:00-04:00")
    return make_site(root, files)


def test_a_big_build_on_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    root = big_site(tmp_path, PROGRESS_THRESHOLD)
    terminal = Terminal()
    progress = Progress("rendering", 0, terminal)
    build(root, progress=progress)
    progress.close()
    shown = terminal.getvalue()
    finished = re.search(r"rendering +\[#+\] +(\d+)/\1", shown)
    assert finished is not None and int(finished.group(1)) > PROGRESS_THRESHOLD


def test_no_progress_bar_off_a_terminal_or_when_quiet(tmp_path: Path) -> None:
    root = big_site(tmp_path, PROGRESS_THRESHOLD)
    for stream, verbosity in ((io.StringIO(), 0), (Terminal(), -1)):
        progress = Progress("rendering", verbosity, stream)
        build(root, progress=progress)
        progress.close()
        assert stream.getvalue() == ""


def test_build_prints_one_summary_line(tmp_path: Path) -> None:
    root = big_site(tmp_path, 3)
    code, out, _err = run("--site", str(root), "build")
    assert code == 0
    assert out.startswith("built ") and out.count("\n") == 1 and f"→ {root / 'public'}" in out
    code, out, _err = run("--site", str(root), "-q", "build")
    assert code == 0 and out == ""


@pytest.fixture
def sample_public(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))
    assert run("--site", str(root), "import", str(SAMPLE))[0] == 0
    assert run("--site", str(root), "build")[0] == 0
    return root


def test_check_passes_on_the_sample(sample_public: Path) -> None:
    code, out, err = run("--site", str(sample_public), "check", str(sample_public / "public"))
    assert code == 0, err
    assert re.fullmatch(r"checked \d+ pages and [\d,]+ links in .+: 0 problems\n", out)


def test_check_names_a_broken_link_and_a_missing_anchor(sample_public: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(sample_public / "public", copy)
    day = copy / "2023/07/08/index.html"
    text = day.read_text()
    text = text.replace('href="/liveblog-archive/topics/nato/"', 'href="/liveblog-archive/topics/natoo/"', 1)
    text = text.replace('href="/liveblog-archive/archive/"', 'href="/liveblog-archive/archive/#dayz"', 1)
    day.write_text(text)
    (copy / "feed.xml").write_text("<rss><channel></rss>")
    code, _out, err = run("--site", str(sample_public), "check", str(copy))
    assert code == 1
    lines = err.strip().splitlines()
    assert any(l.startswith("2023/07/08/index.html:") and "broken link: /liveblog-archive/topics/natoo/" in l
               for l in lines), err
    assert any("missing anchor #dayz: /liveblog-archive/archive/#dayz" in l for l in lines), err
    assert any(l.startswith("feed.xml: not well-formed XML") for l in lines), err
    assert lines[-1].startswith("Error: checked ") and lines[-1].endswith(": 3 problems")


def test_check_flags_a_page_without_title_or_lang(tmp_path: Path) -> None:
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><html><head></head><body><a href='/nowhere/'>x</a></body></html>")
    code, _out, err = run("--site", str(REPO), "check", str(site), "--base-url", "https://e.org/")
    assert code == 1
    assert "index.html: missing <title>" in err and "index.html: missing lang on <html>" in err
    assert "broken link: /nowhere/" in err

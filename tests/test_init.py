"""`init_site`: a new, empty site that builds at once; an occupied folder is refused."""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from generator import SOURCE_REPOSITORY, __version__
from generator.commands.build import build
from generator.commands.check import check_site
from generator.core.config import DEFAULTS, REPLAY_DEFAULTS, load_config
from generator.core.errors import SiteError
from generator.commands.init import SKELETON, init_site, skeleton_files
from generator.render.jinja import THEME

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "generator"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` → its bytes (None for a folder)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def test_init_creates_the_skeleton(tmp_path: Path) -> None:
    site = tmp_path / "archive"
    written = init_site(site)
    expected = {
        "site.toml", "Makefile", "README.md", "requirements.txt", ".gitignore",
        ".github/workflows/pages.yml", "content/.gitkeep", "captures/.gitkeep",
    }
    assert expected <= set(written)
    assert list(written) == sorted(written)
    assert {p for p, data in snapshot(site).items() if data is not None} == set(written)
    assert (site / "content").is_dir() and (site / "captures").is_dir()
    assert not [p for p in site.iterdir() if p.name.startswith(".liveblog-stage-")]


def test_init_copies_the_default_theme(tmp_path: Path) -> None:
    init_site(tmp_path / "site")
    for folder in ("templates", "static"):
        theme = {p.relative_to(THEME / folder) for p in (THEME / folder).rglob("*") if p.is_file()}
        assert theme, f"the theme has no {folder}/"
        for rel in theme:
            copied = tmp_path / "site" / folder / rel
            if f"{folder}/{rel.as_posix()}".startswith("static/replay/"):
                continue
            assert copied.read_bytes() == (THEME / folder / rel).read_bytes(), copied


def test_init_leaves_the_vendored_replaywebpage_in_the_package(tmp_path: Path) -> None:
    init_site(tmp_path / "site")
    assert (THEME / "static" / "replay" / "sw.js").is_file()
    assert not (tmp_path / "site" / "static" / "replay").exists()


def test_init_into_an_existing_empty_folder(tmp_path: Path) -> None:
    init_site(tmp_path)
    assert (tmp_path / "site.toml").is_file()


def test_new_site_builds_and_checks_clean(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init_site(site)
    config = load_config(site)
    report = build(site)
    public = site / "public"
    assert report.output.resolve() == public.resolve()
    assert report.posts == 0
    for page in ("index.html", "feed.xml", "sitemap.xml", "404.html", "static/style.css"):
        assert (public / page).is_file(), page
    checked = check_site(public, config.base_url)
    assert checked.problems == ()
    assert checked.pages >= 1


def test_new_site_builds_with_a_pages_base_url(tmp_path: Path) -> None:
    """As the workflow builds it: --base-url from configure-pages (no trailing slash)."""
    site = tmp_path / "site"
    init_site(site)
    build(site, base_url="https://octo-org.github.io/archive")
    index = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive/' in index
    assert check_site(site / "public", "https://octo-org.github.io/archive/").problems == ()


def test_site_toml_documents_every_key(tmp_path: Path) -> None:
    init_site(tmp_path)
    text = (tmp_path / "site.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in [*DEFAULTS, "zones", "topics", "replay"]:
        pattern = re.compile(rf"^(?:{re.escape(key)}\s*=|\[{re.escape(key)}\])")
        numbers = [n for n, line in enumerate(lines) if pattern.match(line)]
        assert len(numbers) == 1, f"{key} should be set once in site.toml"
        assert lines[numbers[0] - 1].startswith("#"), f"{key} has no comment above it"
    raw = tomllib.loads(text)
    assert set(raw) == {*DEFAULTS, "zones", "topics", "replay"}
    assert raw["topics"] == {}
    assert raw["replay"] == REPLAY_DEFAULTS
    assert "#   \"" in text.split("[topics]")[0].rsplit("[zones]", 1)[1], "no topic example"
    config = load_config(tmp_path)
    assert {"ET", "CT", "MT", "PT"} <= dict(config.zones).keys()
    assert dict(config.zones)["PT"] == "America/Los_Angeles"
    assert config.topic_rules == ()


def test_makefile_targets_call_liveblog(tmp_path: Path) -> None:
    init_site(tmp_path)
    text = (tmp_path / "Makefile").read_text(encoding="utf-8")
    for target, command in (("site", "build"), ("serve", "serve"), ("check", "check public")):
        match = re.search(rf"^{target}:.*\n\t(.+)$", text, re.MULTILINE)
        assert match, f"no recipe for {target}"
        assert match[1] == f"$(LIVEBLOG) {command}"
    assert re.search(r"^LIVEBLOG \?= liveblog$", text, re.MULTILINE)


def test_gitignore_requirements_and_readme(tmp_path: Path) -> None:
    init_site(tmp_path)
    assert "public/" in (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    requirements = [
        line.strip()
        for line in (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert requirements == [f"liveblog @ git+{SOURCE_REPOSITORY}@v{__version__}"]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    for words in ("liveblog import", "make site", "make serve", "make check", "GitHub Actions"):
        assert words in readme, words
    assert requirements[0] in readme  # it says where liveblog comes from
    workflow = (tmp_path / ".github" / "workflows" / "pages.yml").read_bytes()
    assert workflow == (SKELETON / ".github" / "workflows" / "pages.yml").read_bytes()
    assert b"requirements.txt" in workflow


@pytest.mark.parametrize("occupant", ["notes.txt", ".git", "content/"])
def test_init_refuses_a_non_empty_folder_and_changes_nothing(tmp_path: Path, occupant: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    if occupant.endswith("/"):
        (site / occupant).mkdir()
    else:
        (site / occupant).write_text("keep me\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(SiteError, match="not empty") as caught:
        init_site(site)
    assert caught.value.path == str(site)
    assert snapshot(tmp_path) == before


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("a file\n", encoding="utf-8")
    with pytest.raises(SiteError, match="not a folder"):
        init_site(target)
    assert target.read_text(encoding="utf-8") == "a file\n"


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(SiteError):
        init_site(blocker / "site")  # its parent is a file: nothing can be created
    assert snapshot(tmp_path) == {"blocker": b""}


def test_skeleton_files_are_package_data() -> None:
    """Every skeleton file is matched by a package-data glob (which skip dotfiles)."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["generator"]
    shipped = {path for pattern in patterns for path in glob.glob(pattern, root_dir=PACKAGE)}
    on_disk = {
        p.relative_to(PACKAGE).as_posix()
        for root in (SKELETON, THEME)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert on_disk - shipped == set()
    assert set(skeleton_files()) >= {".gitignore", ".github/workflows/pages.yml"}


def test_the_workflow_install_step_installs_the_pinned_liveblog(tmp_path: Path) -> None:
    """The generated workflow's "Install liveblog" step, run against a local clone of
    this repository tagged as the release: pip resolves requirements.txt to liveblog
    of this version, at that tag's commit (a dry run: nothing is installed)."""
    repo = Path(__file__).resolve().parent.parent
    clone = tmp_path / "liveblog.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(repo), str(clone)], check=True)
    subprocess.run(["git", "--git-dir", str(clone), "tag", f"v{__version__}", "HEAD"], check=True)
    commit = subprocess.run(["git", "--git-dir", str(clone), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    site = tmp_path / "site"
    init_site(site)
    requirements = site / "requirements.txt"
    # The published repository, replaced by the local clone: the one change to the file.
    text = requirements.read_text(encoding="utf-8")
    requirements.write_text(text.replace(SOURCE_REPOSITORY, f"file://localhost{clone}"), encoding="utf-8")
    steps = yaml.safe_load((site / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    run = next(step["run"] for job in steps["jobs"].values() for step in job["steps"]
               if step.get("name") == "Install liveblog")
    install = shlex.split(run.splitlines()[0])
    assert install[:4] == ["python", "-m", "pip", "install"] and "requirements.txt" in install
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, *install[1:], "--dry-run", "--no-deps",
                           "--quiet", "--disable-pip-version-check", "--report", str(report)],
                          cwd=site, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(report.read_text(encoding="utf-8"))["install"]
    assert item["metadata"]["name"] == "liveblog" and item["metadata"]["version"] == __version__
    assert item["download_info"]["vcs_info"]["commit_id"] == commit
    assert item["download_info"]["vcs_info"]["requested_revision"] == f"v{__version__}"

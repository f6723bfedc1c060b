"""`liveblog init DIR`: a new, empty site that builds at once.

The skeleton (site.toml, Makefile, README.md, requirements.txt, .gitignore and
the GitHub Pages workflow) is kept as real files in generator/skeleton/; the
default theme's templates/ and static/ are copied in so the new site can edit
them. Everything is written in one all-or-nothing step by
`publish.atomic.write_files_atomically`.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
from collections.abc import Iterator
from pathlib import Path

from generator import SOURCE_REPOSITORY, __version__
from generator.core.errors import SiteError
from generator.publish.atomic import write_files_atomically
from generator.core.paths import SKELETON, THEME

# Stored under another name in the package: a real .gitignore there would act on
# this repository, and setuptools' package-data glob `skeleton/*` skips dotfiles.
_RENAMED = {"gitignore": ".gitignore"}
# Empty folders git should keep.
_PLACEHOLDERS = ("content/.gitkeep", "captures/.gitkeep")
_THEME_FOLDERS = ("templates", "static")
_FILLED = ("requirements.txt", "README.md")  # they name the liveblog to install


def requirement() -> str:
    """The requirements.txt line that installs this liveblog: from the git repository
    and commit it was itself installed from (pip records them, PEP 610), else from
    SOURCE_REPOSITORY at the tag of this version."""
    try:
        recorded = importlib.metadata.distribution("liveblog").read_text("direct_url.json")
        origin = json.loads(recorded) if recorded else {}
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    vcs = origin.get("vcs_info") if isinstance(origin, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") and origin.get("url"):
        return f"liveblog @ git+{origin['url']}@{vcs['commit_id']}"
    return f"liveblog @ git+{SOURCE_REPOSITORY}@v{__version__}"


# The vendored ReplayWeb.page is not the site's to edit: builds take it from the package,
# so upgrading liveblog upgrades it (a site's own static/replay/ would still win).
_NOT_COPIED = ("static/replay/",)


def init_site(target: Path) -> tuple[str, ...]:
    """Create a new site in `target`; return the files written (relative, sorted).

    `target` is created when missing. A folder that already holds anything
    (even a dotfile) is refused with a `SiteError`, and nothing is written.
    """
    _refuse_occupied(target)
    files = skeleton_files()
    existed = target.exists()
    try:
        return write_files_atomically(target, files)
    except SiteError:
        if not existed:  # leave no empty folder behind after a failed write
            with contextlib.suppress(OSError):
                target.rmdir()
        raise


def skeleton_files() -> dict[str, bytes]:
    """Every file of a new site: relative path → bytes."""
    files: dict[str, bytes] = {}
    for rel, data in _read_tree(SKELETON):
        if rel in _FILLED:
            data = data.decode("utf-8").replace("{requirement}", requirement()).encode("utf-8")
        files[_RENAMED.get(rel, rel)] = data
    for folder in _THEME_FOLDERS:
        for rel, data in _read_tree(THEME / folder):
            if not f"{folder}/{rel}".startswith(_NOT_COPIED):
                files[f"{folder}/{rel}"] = data
    for rel in _PLACEHOLDERS:
        files[rel] = b""
    return files


def _refuse_occupied(target: Path) -> None:
    if not target.exists():
        if target.is_symlink():
            raise SiteError("is a broken symbolic link", path=target)
        return
    if not target.is_dir():
        raise SiteError("exists and is not a folder", path=target,
                        hint="liveblog init needs a new or empty folder")
    try:
        occupied = any(target.iterdir())
    except OSError as error:
        raise SiteError(f"cannot read: {error.strerror or error}", path=target) from None
    if occupied:
        raise SiteError("folder is not empty", path=target,
                        hint="liveblog init needs a new or empty folder")


def _read_tree(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(root).as_posix(), path.read_bytes()

"""What one build leaves for the next: the content cache and the build state.

Both live in the site's private `.liveblog/` folder (git-ignored) as pickles
that only this program writes; a missing, unreadable or stale file is simply
ignored and the build starts from scratch. They are keyed by the engine
fingerprint (a hash of liveblog's own code and the versions of the libraries
that shape its output), so upgrading or editing liveblog never reuses them.

* content cache: each parsed content file with the (mtime, size) it had;
* build state, per output folder: each output's signature (see depends.py),
  sha256, and (mtime, size) as written, to notice outputs changed by hand.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.content import ContentCache

STATE_DIR = ".liveblog"
_KEEP_STATES = 8
_PACKAGE = Path(__file__).resolve().parent


def engine_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("jinja2", "markupsafe", "nh3", "cmarkgfm", "pyyaml", "python-slugify"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()[:32]


@dataclass
class BuildState:
    engine: str
    settings: str
    signatures: dict[str, str] = field(default_factory=dict)  # output path -> signature
    hashes: dict[str, str] = field(default_factory=dict)  # output path -> sha256
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # output path -> (mtime, size)
    inputs: str = ""  # fingerprint of every input file's (path, mtime, size)
    counts: tuple[int, int, int] = (0, 0, 0)  # posts, days, topics


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return None


def _save(path: Path, value: Any) -> None:
    """Atomically; a cache that cannot be written is only a slower next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        pass


def _state_path(site_root: Path, out_dir: Path) -> Path:
    key = hashlib.sha1(str(out_dir.absolute()).encode()).hexdigest()[:16]
    return site_root / STATE_DIR / f"build-{key}.pickle"


def load_state(site_root: Path, out_dir: Path, engine: str) -> BuildState | None:
    state = _load(_state_path(site_root, out_dir))
    if not isinstance(state, BuildState) or state.engine != engine:
        return None
    return state


def save_state(site_root: Path, out_dir: Path, state: BuildState) -> None:
    path = _state_path(site_root, out_dir)
    _save(path, state)
    states = sorted((site_root / STATE_DIR).glob("build-*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in states[:-_KEEP_STATES]:
        old.unlink(missing_ok=True)  # e.g. the temporary folders of past `serve` runs


_SHARDS = 64


def _shard(path: str) -> str:
    """Cache entries are kept in 64 files by blog folder: one edit rewrites one small
    file, and loading opens 64 files, not one per blog."""
    folder = path.rsplit("/", 2)[-2] if path.count("/") >= 2 else ""
    return f"{zlib.crc32(folder.encode()) % _SHARDS:02d}"


def load_content_cache(site_root: Path, engine: str) -> ContentCache:
    from generator.content import ContentCache

    cache = ContentCache()
    folder = site_root / STATE_DIR / "content" / engine
    if folder.is_dir():
        for shard in folder.glob("*.pickle"):
            found = _load(shard)
            if isinstance(found, dict):
                cache.records.update(found)
    return cache


def save_content_cache(site_root: Path, engine: str, cache: ContentCache) -> None:
    """Rewrite only the shards whose entries changed; drop shards of other engines."""
    base = site_root / STATE_DIR / "content"
    if base.is_dir():
        for old in base.iterdir():
            if old.name != engine:
                shutil.rmtree(old, ignore_errors=True)
    current = cache.current()
    shards: dict[str, dict[str, Any]] = {}
    for path, entry in current.items():
        shards.setdefault(_shard(path), {})[path] = entry
    folder = base / engine
    stale = {_shard(path) for path in cache.stored | (set(cache.records) - set(current))}
    for name in stale | ({n for n in shards if not (folder / f"{n}.pickle").exists()}):
        if name in shards:
            _save(folder / f"{name}.pickle", shards[name])
        else:
            (folder / f"{name}.pickle").unlink(missing_ok=True)

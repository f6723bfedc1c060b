"""What one build leaves for the next about its output folder: the build state.

Kept in the site's private `.liveblog/` folder (git-ignored), written only by
this program, as a tab-separated file per output folder: each output's
signature (see site/depends.py), sha256, and (mtime, size) as written, to
notice outputs changed by hand. A missing, unreadable, damaged or stale file
is simply ignored and the build starts from scratch. It is keyed by the
engine fingerprint (core/fixity.py), so upgrading or editing liveblog never
reuses it.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sys
import tempfile
from dataclasses import dataclass, field
from collections.abc import Iterable
from pathlib import Path

from generator.core.fixity import MANIFEST
from generator.core.paths import STATE_DIR

_KEEP_STATES = 8


@dataclass
class BuildState:
    engine: str
    settings: str
    signatures: dict[str, str] = field(default_factory=dict)  # output path -> signature
    hashes: dict[str, str] = field(default_factory=dict)  # output path -> sha256
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # output path -> (mtime, size)
    inputs: str = ""  # fingerprint of every input file's (path, mtime, size)
    counts: tuple[int, int, int] = (0, 0, 0)  # posts, days, topics


_STATE_FORMAT = "liveblog build state 2"


def _state_path(site_root: Path, out_dir: Path) -> Path:
    key = hashlib.sha1(str(out_dir.absolute()).encode()).hexdigest()[:16]
    return site_root / STATE_DIR / f"build-{key}.tsv"


def load_state(site_root: Path, out_dir: Path, engine: str) -> BuildState | None:
    """The state the last build into `out_dir` left; None if there is none usable."""
    try:
        with _state_path(site_root, out_dir).open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            if len(header) != 7 or header[0] != _STATE_FORMAT or header[1] != engine:
                return None
            state = BuildState(engine=header[1], settings=header[2], inputs=header[3],
                               counts=(int(header[4]), int(header[5]), int(header[6])))
            for line in handle:
                rel, signature, digest, mtime, size = line.rstrip("\n").split("\t")
                rel = sys.intern(rel)
                if signature:
                    state.signatures[rel] = signature
                if digest:
                    state.hashes[rel] = digest
                if mtime:
                    state.stats[rel] = (int(mtime), int(size))
            return state
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def save_state(site_root: Path, out_dir: Path, state: BuildState) -> None:
    """Written line by line (one per output), so saving the state of a 100,000-page
    site needs no second copy of it in memory; atomically, and a state that
    cannot be written only makes the next build a full one."""
    path = _state_path(site_root, out_dir)
    rels = itertools.chain(state.signatures, (r for r in state.hashes if r not in state.signatures),
                           (r for r in state.stats if r not in state.signatures and r not in state.hashes))
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", buffering=1 << 20) as stream:
            counts = "\t".join(str(n) for n in state.counts)
            stream.write(f"{_STATE_FORMAT}\t{state.engine}\t{state.settings}\t{state.inputs}\t{counts}\n")
            for rel in rels:
                if "\t" in rel or "\n" in rel:
                    raise OSError("an output path holds a tab or a line break")
                stat = state.stats.get(rel)
                stream.write(f"{rel}\t{state.signatures.get(rel, '')}\t{state.hashes.get(rel, '')}\t"
                             f"{stat[0] if stat else ''}\t{stat[1] if stat else ''}\n")
        os.replace(temp, path)
    except OSError:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        return
    states = sorted((site_root / STATE_DIR).glob("build-*.*"), key=lambda p: p.stat().st_mtime)
    for old in states[:-_KEEP_STATES]:
        old.unlink(missing_ok=True)  # e.g. the temporary folders of past `serve` runs


def output_stats(out: Path, only: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of the named outputs (and the manifest) that exist."""
    stats: dict[str, tuple[int, int]] = {}
    folder = str(out)
    stat_of = os.stat  # string paths: 10,000 pathlib objects cost more than the stats
    for rel in {*only, MANIFEST}:
        try:
            stat = stat_of(f"{folder}/{rel}")
        except OSError:
            continue
        stats[rel] = (stat.st_mtime_ns, stat.st_size)
    return stats

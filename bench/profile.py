#!/usr/bin/env python3
"""Profile one cold `liveblog build` of a synthetic archive with cProfile.

    bench/profile.py [N] [DAYS] [--seed S] [--site DIR] [--workdir DIR]
                     [--top 25] [--sort cumulative] [--stats FILE]

Writes N posts over DAYS days (default 10,000 over 300) with bench/synth.py
(or uses an existing liveblog site given with --site), runs
`python -m cProfile -m generator --site SITE build --output OUT` in a child
process, and prints the top entries by cumulative time, then by own time.
Only the main process is profiled: work done in worker processes (if the
build uses them) shows up as time spent waiting for them.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402


# Frames that only launch the build (runpy, click, the CLI wrapper): their
# cumulative time is the whole run and says nothing.
_LAUNCHERS = ("runpy", "click/", "<string>", "builtins.exec", "generator/__main__.py",
              "cProfile", "profile.py")


def _where(key: tuple[str, int, str]) -> str:
    path, line, name = key
    if path == "~":
        return name
    marker = "/site-packages/"
    if marker in path:
        path = path.split(marker, 1)[1]
    elif "/generator/" in path:
        path = "generator/" + path.split("/generator/", 1)[1]
    elif "/lib/python3" in path:
        path = path.split("/lib/", 1)[1]
    return f"{path}:{line}({name})"


def table(stats: pstats.Stats, sort: str, top: int) -> str:
    rows = []
    for key, (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = _where(key)
        if sort == "cumulative" and (any(m in where for m in _LAUNCHERS) or where.startswith("generator/cli.py")):
            continue
        rows.append((ct if sort == "cumulative" else tt, nc, cc, tt, ct, where))
    rows.sort(key=lambda r: r[0], reverse=True)
    lines = [f"{'ncalls':>14} {'tottime':>9} {'cumtime':>9}  function"]
    for _, nc, cc, tt, ct, where in rows[:top]:
        calls = f"{nc}/{cc}" if nc != cc else str(nc)
        lines.append(f"{calls:>14} {tt:9.3f} {ct:9.3f}  {where}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=10000)
    parser.add_argument("days", type=int, nargs="?", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, default=None, help="an existing liveblog site to build")
    default_work = Path("/dev/shm/liveblog-profile") if Path("/dev/shm").is_dir() else HERE / "out" / "profile"
    parser.add_argument("--workdir", type=Path, default=default_work)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--stats", type=Path, default=None, help="also keep the raw pstats file here")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic site and output")
    args = parser.parse_args(argv)
    days = args.days or (100 if args.n <= 1000 else 300)
    work = args.workdir.absolute()
    work.mkdir(parents=True, exist_ok=True)
    if args.site is None:
        started = time.perf_counter()
        man = synth.synthesize(args.n, days, work / "site", seed=args.seed, formats=("liveblog",))
        site = work / "site" / "liveblog"
        what = (f"{man['posts']:,} synthetic posts over {man['days']} days "
                f"(seed {args.seed}, written in {time.perf_counter() - started:.1f} s)")
    else:
        site = args.site.absolute()
        what = str(site)
    out = work / "public"
    shutil.rmtree(out, ignore_errors=True)
    stats_file = args.stats.absolute() if args.stats else work / "build.pstats"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "generator",
           "--site", str(site), "build", "--output", str(out)]
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    started = time.perf_counter()
    # Run from the work folder: `-m cProfile` imports the standard library's
    # `profile`, which this very file would shadow if bench/ were the cwd.
    done = subprocess.run(cmd, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0 or not stats_file.is_file():
        print(done.stdout)
        print(f"profile.py: the build failed (exit {done.returncode})", file=sys.stderr)
        return 1
    print(f"liveblog build of {what}, under cProfile: {wall:.1f} s wall "
          f"(profiling adds roughly 1.5-2x)")
    print(f"liveblog said: {done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ''}")
    stats = pstats.Stats(str(stats_file))
    print(f"\ntop {args.top} by cumulative time (launcher frames left out):\n")
    print(table(stats, "cumulative", args.top))
    print(f"\ntop {args.top} by own time:\n")
    print(table(stats, "tottime", args.top))
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
        if args.site is None:
            shutil.rmtree(work / "site", ignore_errors=True)
        if args.stats is None:
            stats_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

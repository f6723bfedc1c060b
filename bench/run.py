#!/usr/bin/env python3
"""`make bench`: build the same synthetic archive with liveblog, Pelican and Hugo.

    bench/run.py [--sizes 1000,10000] [--full] [--tools liveblog,pelican,hugo]
                 [--repeat R] [--profile] [--workdir DIR] [--keep] [--no-install]

For each size N (default 1,000 and 10,000; --full or BENCH_FULL=1 adds
100,000) it writes the archive with bench/synth.py (100 days for N <= 1,000,
otherwise 300) and, for each tool, measures five builds in order:

    cold      fresh output folder, no cache of any kind
    noop      the same build again, nothing changed
    edit      after appending a paragraph to one post
    add       after adding one post to that post's blog
    template  after changing the per-post template
    serve     liveblog only: in a running `liveblog serve`, three saves of the
              edited post, each timed to the reload event (bench/serving.py);
              the median is the wall time, the startup is in the report

Each build runs in its own process; wall time, the child's peak RSS (from
os.wait4), the peak summed RSS of its process tree (sampled), its CPU time,
the .html files in the output and how many of them this build wrote are
recorded. After the cold build (and after edit/add/template) the output is
checked: every post, day, topic and blog page exists at the URL liveblog uses,
probe posts (first, last, around midnight, on DST days) are on the right day
pages, the edited text and the added post appear. Results: one line per case
on stdout, and bench/results.md (+ bench/results.json).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import serving  # noqa: E402
import synth  # noqa: E402

BIN = Path(sys.executable).parent
TOOLS = ("liveblog", "liveblog-search", "pelican", "hugo")
PEERS = ("pelican", "hugo")
CASES = ("cold", "noop", "edit", "add", "template", "serve")
DEFAULT_SIZES = (1000, 10000)
FULL_SIZE = 100000
TEMPLATE_MARK = '<span hidden class="bench-template-edit"></span>'
EDIT_MARK = "Correction (benchmark edit): this paragraph was added to measure a one-post rebuild."
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def days_for(n: int) -> int:
    return 100 if n <= 1000 else 300


def say(message: str = "") -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- installing peers


def run_quiet(cmd: list[str], env: dict[str, str] | None = None, timeout: int = 1800) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=env, timeout=timeout)
        return done.returncode, done.stdout
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, str(error)


def pelican_cmd() -> list[str] | None:
    script = BIN / "pelican"
    if script.exists():
        return [str(script)]
    importlib.invalidate_caches()
    if importlib.util.find_spec("pelican") is not None:
        return [sys.executable, "-m", "pelican"]
    return None


def ensure_pelican(install: bool) -> tuple[list[str] | None, str]:
    cmd = pelican_cmd()
    if cmd is None and install:
        say("installing pelican[markdown] into this Python environment …")
        rc, out = run_quiet([sys.executable, "-m", "pip", "install", "--quiet",
                             "--disable-pip-version-check", "pelican[markdown]"])
        if rc != 0:
            return None, "pip install 'pelican[markdown]' failed: " + _tail(out, 3)
        cmd = pelican_cmd()
    if cmd is None:
        return None, "Pelican is not installed (pip install 'pelican[markdown]')"
    rc, out = run_quiet([*cmd, "--version"])
    return (cmd, out.strip()) if rc == 0 else (None, "pelican --version failed: " + _tail(out, 3))


def ensure_hugo(install: bool) -> tuple[list[str] | None, str]:
    hugo = os.environ.get("HUGO") or shutil.which("hugo")
    if hugo is None and install:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            say("installing hugo with apt-get …")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            rc, out = run_quiet(["apt-get", "install", "-y", "hugo"], env=env)
            if rc != 0:
                run_quiet(["apt-get", "update"], env=env)
                rc, out = run_quiet(["apt-get", "install", "-y", "hugo"], env=env)
            if rc != 0:
                return None, "apt-get install -y hugo failed: " + _tail(out, 3)
            hugo = shutil.which("hugo")
        else:
            return None, "Hugo is not installed and we are not root (apt-get install hugo, or set HUGO=/path/to/hugo)"
    if hugo is None:
        return None, "Hugo is not installed"
    rc, out = run_quiet([hugo, "version"])
    if rc != 0:
        return None, "hugo version failed: " + _tail(out, 3)
    version = out.strip().splitlines()[-1] if out.strip() else "hugo (unknown version)"
    return [hugo], version


def git_state() -> str:
    """Which liveblog was measured: the commit, and whether the tree had changes (read-only git)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return ""
    rc, head = run_quiet(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    if rc != 0:
        return ""
    rc, status = run_quiet(["git", "--no-optional-locks", "-C", str(ROOT), "status", "--porcelain",
                            "--untracked-files=no", "--", "generator"])
    dirty = " with uncommitted changes in generator/" if rc == 0 and status.strip() else ""
    return f" (git {head.strip()}{dirty})"


def hugo_minor(version: str) -> tuple[int, int] | None:
    match = re.search(r"v?0\.(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def liveblog_cmd() -> list[str]:
    script = BIN / "liveblog"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def _tail(text: str, lines: int) -> str:
    return " | ".join(line for line in text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------- measuring one build


@dataclass
class Run:
    tool: str
    n: int
    case: str
    wall: float = 0.0
    rss_mb: float = 0.0  # the child's peak RSS (VmHWM of its main process)
    tree_mb: float = 0.0  # sampled peak of the summed RSS of the process tree
    cpu: float = 0.0  # user + system seconds of the child and its waited-for children
    pages: int = 0  # .html files in the output after the build
    written: int = 0  # .html files this build wrote (mtime at or after its start)
    rc: int = 0
    problems: list[str] = field(default_factory=list)
    report: str = ""  # the tool's last output line
    repeats: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rc == 0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    kids.extend(int(x) for x in handle.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return kids


def _hwm(pid: int) -> int:
    """The process's own peak resident memory so far (VmHWM), in bytes; 0 if gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_rss(pid: int) -> int:
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(_children(current))
    return total


def measure(cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float) -> tuple[float, float, float, float, int]:
    """Run `cmd`; return (wall s, child peak RSS MB, tree peak RSS MB, CPU s, exit code)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    hwm = [0]
    stop = threading.Event()
    with open(log, "ab") as out:
        out.write(f"$ {' '.join(cmd)}  (cwd {cwd})\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)

        def sample() -> None:
            while not stop.wait(0.02):
                hwm[0] = max(hwm[0], _hwm(proc.pid))
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        def kill() -> None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            stop.set()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.join()
        # Any leftover member of the group (a daemon the tool forgot) must not outlive us.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    # The child's peak: its VmHWM, sampled every 20 ms (a high-water mark, so only
    # growth in its last 20 ms could be missed). Not ru_maxrss: Linux carries the
    # forking process's size over fork and exec into it, and this process holds a
    # whole synthetic archive (about 600 MB at N = 100,000). ru_maxrss only
    # stands in when the child was too quick to be sampled.
    rss = hwm[0] / 2**20 if hwm[0] else usage.ru_maxrss / 1024
    return wall, rss, max(peak[0] / 2**20, rss), usage.ru_utime + usage.ru_stime, proc.returncode


def count_pages(out: Path, since_ns: int) -> tuple[int, int]:
    pages = written = 0
    stack: list[str | Path] = [out]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".html"):
                pages += 1
                if entry.stat(follow_symlinks=False).st_mtime_ns >= since_ns:
                    written += 1
    return pages, written


# ---------------------------------------------------------------- the tools


class Tool:
    name = ""
    kind = ""  # the synthetic archive's format it builds (synth.py): its name, unless a variant
    template = ""  # the per-post template, relative to the project
    block_end = "{% endblock %}"
    day_titles_only = False

    def __init__(self, cmd: list[str], version: str, project: Path, out: Path) -> None:
        self.cmd, self.version, self.project, self.out = cmd, version, project, out
        self.baseline: set[str] = set()

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def cwd(self) -> Path:
        return self.project

    def prepare(self) -> str | None:
        """Before the first build; returns a note for the results, if any."""
        return None

    def snapshot(self) -> None:
        """Remember the project's files: anything a build adds later is a cache, cleared before a cold build."""
        self.baseline = {str(p.relative_to(self.project)) for p in self.project.rglob("*")}

    def clear(self) -> None:
        for path in sorted(self.project.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if str(path.relative_to(self.project)) not in self.baseline:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        for sibling in self.out.parent.glob(self.out.name + "*"):
            if sibling.is_dir() and not sibling.is_symlink():
                shutil.rmtree(sibling, ignore_errors=True)
            else:
                sibling.unlink(missing_ok=True)

    def edit_template(self) -> None:
        path = self.project / self.template
        text = path.read_text(encoding="utf-8")
        cut = text.rfind(self.block_end)
        if cut < 0:
            raise RuntimeError(f"no {self.block_end!r} in {path}")
        path.write_text(text[:cut] + TEMPLATE_MARK + "\n" + text[cut:], encoding="utf-8")


class Liveblog(Tool):
    """liveblog without its search index (the peers build none): the comparable build."""

    name = kind = "liveblog"
    template = "templates/post.html"

    def command(self) -> list[str]:
        return [*self.cmd, "--site", str(self.project), "build", "--output", str(self.out), "--no-search"]

    def prepare(self) -> str | None:
        # The default theme ships in the package; the template case edits a
        # site override, so start from an identical copy of the theme's.
        try:
            importlib.invalidate_caches()
            import generator
            theme = Path(generator.__file__).parent / "theme" / "templates" / "post.html"
        except Exception:  # noqa: BLE001 - a broken package must not stop the benchmark
            theme = ROOT / "generator" / "theme" / "templates" / "post.html"
        if not theme.is_file():
            return f"no {theme}: the template case edits an empty override"
        (self.project / "templates").mkdir(exist_ok=True)
        shutil.copyfile(theme, self.project / self.template)
        return None


class LiveblogSearch(Liveblog):
    """liveblog as `build` runs by default: with Pagefind's search index. Its own copy
    of the archive (copied before any build), so its caches are its own."""

    name = "liveblog-search"

    def command(self) -> list[str]:
        return [*self.cmd, "--site", str(self.project), "build", "--output", str(self.out)]

class Pelican(Tool):
    name = kind = "pelican"
    template = "theme/templates/article.html"

    def command(self) -> list[str]:
        return [*self.cmd, "content", "-s", "pelicanconf.py", "-o", str(self.out)]

    def prepare(self) -> str | None:
        if not synth.copy_pelican_theme(self.project):
            self.day_titles_only = True
            return "could not copy Pelican's notmyidea theme; the template case will fail"
        return None


class Hugo(Tool):
    name = kind = "hugo"
    template = "layouts/_default/single.html"
    block_end = "{{ end }}"

    def command(self) -> list[str]:
        return [*self.cmd, "--source", str(self.project), "--destination", str(self.out)]


# ---------------------------------------------------------------- checking output


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def check_output(out: Path, man: dict[str, Any], case: str, added: synth.SPost | None, *,
                 full_days: bool = True) -> list[str]:
    """Every page a reader expects, at liveblog's URLs, in any tool's output.

    `full_days`: the tool's day pages carry whole posts (Pelican's default
    theme lists only titles on its day archives)."""
    problems: list[str] = []

    def missing(kind: str, urls: list[str]) -> None:
        absent = [u for u in urls if not (out / u / "index.html").is_file()]
        if absent:
            problems.append(f"{len(absent)} of {len(urls)} {kind} pages missing (e.g. /{absent[0]})")

    if case == "cold":
        missing("post", man["post_urls"])
        missing("day", man["day_urls"])
        missing("topic", [f"topics/{slug}/" for slug in man["topic_slugs"]])
        missing("blog", man["blog_urls"])
        feed = out / "feed.xml"
        try:
            items = ET.parse(feed).getroot().findall("./channel/item")
            if not items:
                problems.append("feed.xml has no items")
        except (OSError, ET.ParseError) as error:
            problems.append(f"feed.xml: {error}")
        for probe in man["probes"]:
            if probe["title"] not in day_text(out / probe["day_url"]):
                problems.append(f"{probe['published']} post not on its day page /{probe['day_url']}")
            if probe["title"] not in _read(out / probe["url"] / "index.html"):
                problems.append(f"post page /{probe['url']} lacks its title")
            topic_feed = out / probe["topic_urls"][-1] / "feed.xml"
            if not topic_feed.is_file():
                problems.append(f"no topic feed /{probe['topic_urls'][-1]}feed.xml")
    edited = out / man["edit"]["url"] / "index.html"
    if case in ("edit", "add", "template"):
        if "benchmark edit" not in _read(edited):
            problems.append(f"edited text missing from /{man['edit']['url']}")
        if full_days and "benchmark edit" not in day_text(out / man["edit"]["day_url"]):
            problems.append(f"edited text missing from its day page /{man['edit']['day_url']}")
    if case in ("add", "template") and added is not None:
        if added.title not in _read(out / added.url / "index.html"):
            problems.append(f"added post missing: /{added.url}")
        if added.title not in day_text(out / f"{added.day:%Y/%m/%d}"):
            problems.append("added post missing from its day page")
    if case == "template" and TEMPLATE_MARK not in _read(edited):
        problems.append("template change not visible on a post page")
    return problems


# ---------------------------------------------------------------- one size


def apply_change(case: str, tool: Tool, workdir: Path, man: dict[str, Any], added: synth.SPost) -> None:
    if case == "edit":
        # The manifest names it in the format's own folder; a variant has its own copy.
        path = tool.project / Path(man["edit"]["files"][tool.kind]).relative_to(tool.kind)
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n\n{EDIT_MARK}\n", encoding="utf-8")
    elif case == "add":
        path = synth.PATHS[tool.kind](tool.project, added)
        path.write_text(synth.RENDER[tool.kind](added), encoding="utf-8")
    elif case == "template":
        tool.edit_template()


def day_text(folder: Path) -> str:
    """A day page with all its pages (a day of a large archive has several:
    page/2/index.html … for liveblog and Hugo, index2.html … for Pelican)."""
    pages = [folder / "index.html", *sorted(folder.glob("index*.html")), *sorted(folder.glob("page/*/index.html"))]
    return "".join(_read(page) for page in dict.fromkeys(pages))


def bench_size(n: int, args: argparse.Namespace, available: dict[str, tuple[list[str], str]],
               env: dict[str, str]) -> tuple[list[Run], dict[str, Any], list[str]]:
    days = args.days or days_for(n)
    workdir = args.workdir / f"n{n}"
    if workdir.exists():
        shutil.rmtree(workdir)
    say(f"\n== N = {n:,} posts over {days} days ==")
    started = time.perf_counter()
    tools_here = [t for t in args.tools if t in available]
    formats = tuple(dict.fromkeys("liveblog" if t.startswith("liveblog") else t for t in tools_here))
    man = synth.synthesize(n, days, workdir, seed=args.seed, formats=formats)
    if "liveblog-search" in tools_here:
        shutil.copytree(workdir / "liveblog", workdir / "liveblog-search", symlinks=True)
    man["synth_seconds"] = round(time.perf_counter() - started, 2)
    say(f"synthesized {man['posts']:,} posts, {man['blogs']:,} blogs, {man['days']} days, "
        f"{man['topics']} topics, {man['words'] / man['posts']:.0f} words/post, "
        f"{man['figures']:,} figures, DST days {', '.join(man['dst_days']) or 'none'} "
        f"in {man['synth_seconds']:.1f} s")
    added = synth.extra_post_for(man)
    notes: list[str] = []
    runs: list[Run] = []
    classes = {"liveblog": Liveblog, "liveblog-search": LiveblogSearch, "pelican": Pelican, "hugo": Hugo}
    for name in tools_here:
        cmd, version = available[name]
        tool = classes[name](cmd, version, workdir / name, workdir / f"out-{name}")
        note = tool.prepare()
        if note:
            notes.append(f"{name} N={n}: {note}")
        tool.snapshot()
        tool_env = {**env, "HUGO_CACHEDIR": str(workdir / "cache-hugo"),
                    "XDG_CACHE_HOME": str(workdir / f"cache-{name}")}
        for case in args.cases:
            try:
                if case == "cold":
                    times: list[float] = []
                    for attempt in range(args.repeat):
                        tool.clear()
                        shutil.rmtree(workdir / "cache-hugo", ignore_errors=True)
                        shutil.rmtree(workdir / f"cache-{name}", ignore_errors=True)
                        run = build(tool, n, case, tool_env, workdir, args.timeout)
                        times.append(run.wall)
                        if not run.ok:
                            break
                    if len(times) > 1 and run.ok:
                        run.repeats = times
                        run.wall = sorted(times)[len(times) // 2]
                elif case == "serve":
                    if name != "liveblog":
                        continue  # one resident server: the same command whatever the build flags
                    run = serve_case(tool, n, man, tool_env, args.timeout)
                else:
                    apply_change(case, tool, workdir, man, added)
                    run = build(tool, n, case, tool_env, workdir, args.timeout)
            except (OSError, RuntimeError) as error:
                run = Run(name, n, case, rc=-1, problems=[f"could not set up the case: {error}"])
            if run.ok and case != "serve":  # serve builds into a folder of its own, removed at its exit
                run.problems += check_output(tool.out, man, case, added, full_days=not tool.day_titles_only)
            runs.append(run)
            say(line(run, []))
            for problem in run.problems:
                say(f"      ! {problem}")
            if not run.ok:
                say(f"      ! {name} failed (exit {run.rc}); log: {workdir / 'logs' / f'{name}-{case}.log'}")
                say("      | " + "\n      | ".join(_read(workdir / "logs" / f"{name}-{case}.log").splitlines()[-15:]))
                notes.append(f"{name} N={n} {case}: exit {run.rc}: {run.report}")
                break
        if not args.keep:
            shutil.rmtree(tool.out, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return runs, man, notes


def serve_case(tool: Tool, n: int, man: dict[str, Any], env: dict[str, str], timeout: float) -> Run:
    post = tool.project / Path(man["edit"]["files"][tool.kind]).relative_to(tool.kind)
    served = serving.serve_edits(tool.cmd, tool.project, post, EDIT_MARK, env=env, timeout=timeout)
    run = Run(tool.name, n, "serve", rc=served.rc)
    if served.reloads:
        run.repeats = served.reloads
        run.wall = sorted(served.reloads)[len(served.reloads) // 2]
    builds = [line for line in served.said if line.startswith("built ")]
    run.report = (f"started in {served.startup:.1f} s; reloads "
                  + ", ".join(f"{t:.2f}" for t in served.reloads) + " s; last: " + (builds[-1] if builds else "-"))
    if served.rc != 0:
        run.problems.append(f"serve exited {served.rc}: " + " | ".join(served.said[-5:]))
    return run


def build(tool: Tool, n: int, case: str, env: dict[str, str], workdir: Path, timeout: float) -> Run:
    log = workdir / "logs" / f"{tool.name}-{case}.log"
    # mtimes on tmpfs are taken from the coarse kernel clock: allow a tick of slack.
    since = time.time_ns() - 20_000_000
    wall, rss, tree, cpu, rc = measure(tool.command(), cwd=tool.cwd, env=env, log=log, timeout=timeout)
    run = Run(tool.name, n, case, wall=wall, rss_mb=rss, tree_mb=tree, cpu=cpu, rc=rc)
    run.pages, run.written = count_pages(tool.out, since)
    lines = [l for l in _read(log).splitlines() if l.strip() and not l.startswith("$ ")]
    run.report = lines[-1].strip() if lines else ""
    return run


# ---------------------------------------------------------------- reporting


def ratios(run: Run, runs: list[Run]) -> dict[str, float]:
    if run.tool != "liveblog" or not run.ok:
        return {}
    out = {}
    for peer in PEERS:
        other = next((r for r in runs if r.tool == peer and r.n == run.n and r.case == run.case and r.ok), None)
        if other is not None and other.wall > 0:
            out[peer] = run.wall / other.wall
    return out


def line(run: Run, runs: list[Run]) -> str:
    if not run.ok:
        return f"{run.tool:<9} N={run.n:>7,}  {run.case:<8}  FAILED (exit {run.rc})"
    text = (f"{run.tool:<9} N={run.n:>7,}  {run.case:<8} {run.wall:8.2f} s  "
            f"peak {run.rss_mb:6.0f} MB  tree {run.tree_mb:6.0f} MB  cpu {run.cpu:7.1f} s  "
            f"pages {run.pages:>7,}  written {run.written:>7,}")
    for peer, ratio in ratios(run, runs).items():
        text += f"  {ratio:5.2f}× {peer}"
    if run.problems:
        text += f"  [{len(run.problems)} problem(s)]"
    return text


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    cpuinfo = _read(Path("/proc/cpuinfo"))
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    info["cpu"] = model.group(1).strip() if model else platform.processor() or "unknown"
    info["cores"] = f"{os.cpu_count()} logical CPUs"
    if hasattr(os, "sched_getaffinity"):
        info["cores"] += f" ({len(os.sched_getaffinity(0))} usable)"
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read(Path("/proc/meminfo")), re.M)
    info["ram"] = f"{int(mem.group(1)) / 2**20:.1f} GiB" if mem else "unknown"
    osr = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read(Path("/etc/os-release")), re.M)
    info["os"] = f"{osr.group(1) if osr else platform.system()}, kernel {platform.release()}"
    info["load average (1, 5, 15 min)"] = " ".join(_read(Path("/proc/loadavg")).split()[:3])
    info["python"] = f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"
    return info


def filesystem(path: Path) -> str:
    best, kind = "", "unknown"
    for row in _read(Path("/proc/mounts")).splitlines():
        parts = row.split()
        if len(parts) >= 3 and str(path).startswith(parts[1].rstrip("/") + "/") and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


def write_results(path: Path, runs: list[Run], manifests: list[dict[str, Any]], versions: dict[str, str],
                  notes: list[str], args: argparse.Namespace, profile: str | None, elapsed: float) -> None:
    info = machine()
    lines = [
        "# Benchmark: liveblog against Pelican and Hugo",
        "",
        f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `{' '.join(['bench/run.py', *sys.argv[1:]])}`"
        f" in {elapsed / 60:.1f} min. How to read it: bench/README.md.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- work folder: {args.workdir} ({filesystem(args.workdir)})",
        *(f"- {tool}: {version}" for tool, version in versions.items()),
        "",
        "## Results",
        "",
        "Wall time of each build; *peak*: the peak RSS of the build's main process (its VmHWM, sampled every 20 ms; not "
        "ru_maxrss, which carries the benchmark's own size over fork and exec); *tree*: sampled peak of the summed RSS of its process tree; "
        "*pages*: .html files in the output; *written*: .html files this build wrote; the last "
        "columns: liveblog's time divided by the peer's for the same N and case (below 1: liveblog is faster).",
        "",
        "| tool | N | case | wall s | peak MB | tree MB | CPU s | pages | written | ÷ Pelican | ÷ Hugo | check |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        r = ratios(run, runs)
        if not run.ok:
            lines.append(f"| {run.tool} | {run.n:,} | {run.case} | failed (exit {run.rc}) | | | | | | | | |")
            continue
        check = "ok" if not run.problems else "; ".join(run.problems)
        lines.append(
            f"| {run.tool} | {run.n:,} | {run.case} | {run.wall:.2f} | {run.rss_mb:.0f} | {run.tree_mb:.0f} | "
            f"{run.cpu:.1f} | {run.pages:,} | {run.written:,} | "
            f"{_fmt(r.get('pelican'))} | {_fmt(r.get('hugo'))} | {check} |")
    repeated = [r for r in runs if r.repeats]
    if repeated:
        lines += ["", "Repeated measurements (cold builds with --repeat; the serve case's edits): "
                  "the table shows the median of:", ""]
        lines += [f"- {r.tool} N={r.n:,} {r.case}: {', '.join(f'{t:.2f}' for t in r.repeats)} s" for r in repeated]
    lines += ["", "## Synthetic archives", "",
              "| N | days | blogs | topics | words/post | figures | DST days | synth s |",
              "|---:|---:|---:|---:|---:|---:|---|---:|"]
    for m in manifests:
        lines.append(f"| {m['posts']:,} | {m['days']} | {m['blogs']:,} | {m['topics']} | "
                     f"{m['words'] / m['posts']:.0f} | {m['figures']:,} | {', '.join(m['dst_days']) or '-'} | "
                     f"{m['synth_seconds']:.1f} |")
    reports = [r for r in runs if r.tool == "liveblog" and r.report]
    if reports:
        lines += ["", "## What liveblog reported", ""]
        lines += [f"- N={r.n:,} {r.case}: `{r.report}`" for r in reports]
    lines += ["", "## Notes", "",
              "- Each tool builds its own copy of the same posts (bench/synth.py): liveblog's content format, "
              "a Pelican project (default notmyidea theme, content cache on) and a Hugo project (minimal "
              "layouts, `days` taxonomy for day pages). All three produce per-post pages, per-day pages, "
              "per-topic pages (paginated by 50), per-blog pages and RSS feeds (site and "
              "per topic) at the same URLs; the check column says whether they did.",
              "- Rebuilds reuse the previous output folder. Hugo's incremental rebuilds need `hugo server`; "
              "here Hugo simply builds again. Pelican rebuilds every page but reuses its content cache.",
              *(f"- {note}" for note in notes)]
    if profile:
        lines += ["", "## Profile of liveblog's build", "", "```", profile.rstrip(), "```"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {"machine": info, "versions": versions, "args": sys.argv[1:], "notes": notes,
            "runs": [{**asdict(r), "ratios": ratios(r, runs)} for r in runs],
            "archives": [{k: v for k, v in m.items() if not k.endswith("_urls") and k != "topic_slugs"}
                         for m in manifests]}
    path.with_suffix(".json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _fmt(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "–"


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", help="comma-separated post counts (default 1000,10000)")
    parser.add_argument("--full", action="store_true", default=os.environ.get("BENCH_FULL", "") not in ("", "0"),
                        help="also N=100,000 (or BENCH_FULL=1)")
    parser.add_argument("--days", type=int, default=None, help="days spanned (default 100 for N<=1000, else 300)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of liveblog,pelican,hugo")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="cold builds per tool and size (median reported)")
    parser.add_argument("--cases", default=",".join(CASES),
                        help="comma-separated subset of " + ",".join(CASES) + " (in that order; cold first)")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of liveblog's build (largest N) to results.md")
    default_work = Path("/dev/shm/liveblog-bench") if Path("/dev/shm").is_dir() else ROOT / "bench" / "out"
    parser.add_argument("--workdir", type=Path, default=default_work, help=f"where archives and outputs go (default {default_work})")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per build")
    parser.add_argument("--keep", action="store_true", help="keep the archives and outputs")
    parser.add_argument("--no-install", action="store_true", help="do not install missing peers")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = [int(s.replace("_", "").replace(",", "")) for s in re.split(r"[,\s]+", args.sizes.strip()) if s]
    else:
        args.sizes = list(DEFAULT_SIZES) + ([FULL_SIZE] if args.full else [])
    if args.full and FULL_SIZE not in args.sizes:
        args.sizes.append(FULL_SIZE)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    wanted_cases = {c.strip() for c in args.cases.split(",") if c.strip()}
    if not wanted_cases <= set(CASES) or "cold" not in wanted_cases:
        parser.error(f"--cases: a subset of {','.join(CASES)} that includes cold")
    args.cases = [case for case in CASES if case in wanted_cases]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.workdir = args.workdir.absolute()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    versions: dict[str, str] = {}
    available: dict[str, tuple[list[str], str]] = {}
    notes: list[str] = []
    if "liveblog" in args.tools or "liveblog-search" in args.tools:
        cmd = liveblog_cmd()
        rc, out = run_quiet([*cmd, "--version"])
        versions["liveblog"] = (out.strip() if rc == 0 else "unknown") + git_state()
        for name in ("liveblog", "liveblog-search"):
            if name in args.tools:
                available[name] = (cmd, versions["liveblog"])
    for name, ensure in (("pelican", ensure_pelican), ("hugo", ensure_hugo)):
        if name not in args.tools:
            continue
        found, version = ensure(not args.no_install)
        if found is None:
            notes.append(f"{name} skipped: {version}")
            say(f"note: {name} skipped: {version}")
            continue
        versions[name] = version
        available[name] = (found, version)
    if "hugo" in available:
        minor = hugo_minor(versions["hugo"])
        if minor is not None and minor[0] >= 146:
            notes.append(f"the Hugo layouts target 0.111 (Debian 12); this is {versions['hugo']}: check its pages")
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    say("machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()))
    load = float(_read(Path("/proc/loadavg")).split()[0] or 0)
    if load > 0.5:
        say(f"note: load average {load:.2f} before starting: other work on this machine will skew the figures")
        notes.append(f"load average was {load:.2f} when the run started: other processes shared the CPUs")
    say("tools: " + "; ".join(f"{k} = {v}" for k, v in versions.items()))
    runs: list[Run] = []
    manifests: list[dict[str, Any]] = []
    for n in args.sizes:
        size_runs, man, size_notes = bench_size(n, args, available, env)
        runs += size_runs
        manifests.append(man)
        notes += size_notes
    profile = None
    if args.profile and "liveblog" in available:
        n = max(args.sizes)
        say(f"\nprofiling liveblog's build for N = {n:,} …")
        rc, profile = run_quiet([sys.executable, str(HERE / "profile.py"), str(n), str(args.days or days_for(n)),
                                 "--seed", str(args.seed), "--workdir", str(args.workdir / "profile")],
                                env=env, timeout=int(args.timeout) * 3)
        say(profile)
    elapsed = time.perf_counter() - began
    say("\n== results (liveblog's time ÷ the peer's: below 1 means liveblog is faster) ==")
    for run in runs:
        say(line(run, runs))
    write_results(args.results, runs, manifests, versions, notes, args, profile, elapsed)
    say(f"\nwrote {args.results} and {args.results.with_suffix('.json').name} in {elapsed / 60:.1f} min")
    return 1 if any(not r.ok or r.problems for r in runs if r.tool == "liveblog") else 0


if __name__ == "__main__":
    sys.exit(main())

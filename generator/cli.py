"""The `liveblog` command line: thin click commands over the core modules.

The only module that imports click. Each command parses its options, calls
one function, and prints a summary. A `SiteError` becomes `Error: …` on
stderr with exit code 1; click's usage errors exit with 2.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.core.errors import SiteError
from generator.core.paths import OUTPUT_DIR


@dataclass(frozen=True, slots=True)
class Context:
    site: Path
    verbosity: int  # -1 quiet, 0 normal, 1 verbose
    lock_timeout: float = 600.0  # seconds to wait for another process to finish with the site

    def say(self, message: str) -> None:
        if self.verbosity >= 0:
            click.echo(message)

    def detail(self, message: str) -> None:
        if self.verbosity >= 1:
            click.echo(message)

    def warn(self, message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    def locked(self, root: Path) -> Any:
        """The site lock (core/lock.py) for a command that changes the site; a wait is said."""
        from generator.core.lock import site_lock

        return site_lock(root, self.lock_timeout,
                         waiting=lambda message: click.echo(message, err=True))


pass_context = click.make_pass_decorator(Context)

# Below this many files a progress bar is noise.
PROGRESS_THRESHOLD = 300


class Progress:
    """A click progress bar on a terminal for big jobs; nothing otherwise (CI logs stay plain)."""

    def __init__(self, label: str, verbosity: int, stream: Any = None) -> None:
        self.label = label
        self.verbosity = verbosity
        self.stream = stream if stream is not None else sys.stderr
        self.bar: Any = None

    def __call__(self, total: int) -> Any:
        if total >= PROGRESS_THRESHOLD and self.verbosity >= 0 and self.stream.isatty():
            self.bar = click.progressbar(length=total, label=self.label, file=self.stream,
                                         show_pos=True, width=30)
            self.bar.__enter__()
            return lambda: self.bar.update(1)
        return lambda: None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _set_verbosity(level: int) -> Any:
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            root = ctx.find_root()
            root.obj = dataclasses.replace(root.obj, verbosity=level)
            ctx.obj = root.obj

    return callback


def verbosity_options(command: Any) -> Any:
    """-v/-q after the command name too (`liveblog build -q`), not only before it."""
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=False,
                           callback=_set_verbosity(-1), help="Print only warnings and errors.")(command)
    return click.option("-v", "--verbose", is_flag=True, expose_value=False,
                        callback=_set_verbosity(1), help="Say more.")(command)


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


class _Group(click.Group):
    """Turns a SiteError raised anywhere below into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SiteError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except OSError as error:
            # An I/O failure no check foresaw (a full disk, a path through a file):
            # still one line naming the file, not a traceback.
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"Error: {where}{error.strerror or error}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="liveblog")
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (the one holding site.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=600.0, show_default=True,
              metavar="SECONDS",
              help="How long to wait while another liveblog process changes the site, then fail.")
@click.pass_context
def main(ctx: click.Context, site: Path, verbose: bool, quiet: bool, lock_timeout: float) -> None:
    """A static site generator for archived news live blogs.

    \b
    Example:
      liveblog import captures/cnn-2023-07-08-russia-ukraine.txt
      liveblog build
    """
    ctx.obj = Context(site=site, verbosity=-1 if quiet else (1 if verbose else 0), lock_timeout=lock_timeout)


def _base_url(value: str | None) -> str | None:
    from generator.core.config import base_url_problem

    problem = base_url_problem(value) if value is not None else None
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def _option_value(value: str | None, which: str) -> str | None:
    """An option value the import checks: a bad one is a usage error (exit code 2)."""
    from generator.commands.import_sources import parse_captured_at, parse_source_url

    try:
        (parse_captured_at if which == "captured_at" else parse_source_url)(value)
    except SiteError as error:
        message = error.message.removeprefix(f"--{which.replace('_', '-')} ")
        raise click.BadParameter(message + (f" ({error.hint})" if error.hint else "")) from None
    return value


@main.command("import")
@verbosity_options
@click.argument("captures", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--content",
    type=click.Path(path_type=Path),
    default=None,
    help="Content folder to write into (default: content/ in the site).",
)
@click.option("--source-url", default=None, callback=lambda _c, _p, v: _option_value(v, "source_url"),
              help="Where the capture was taken from.")
@click.option("--captured-at", default=None, callback=lambda _c, _p, v: _option_value(v, "captured_at"),
              help="When it was captured (ISO 8601 with offset), or 'unknown'.")
@click.option("--keep-remote-images/--no-keep-remote-images", default=None,
              help="Show photos the capture did not archive from the outlet's servers (hot-linked); "
                   "the blog keeps the choice for later imports. Default: as recorded, else not.")
@pass_context
def import_command(
    obj: Context,
    captures: tuple[Path, ...],
    content: Path | None,
    source_url: str | None,
    captured_at: str | None,
    keep_remote_images: bool | None,
) -> None:
    """Parse captured live blogs into content/ (Markdown + YAML front matter).

    \b
    Example:
      liveblog import captures/cnn-2023-07-08-russia-ukraine.txt \\
        --source-url https://www.cnn.com/europe/live-news/russia-ukraine-war-news-07-08-23/
    """
    from generator.core.config import load_config
    from generator.commands.import_ import import_captures

    config = load_config(obj.site)
    progress = Progress("importing", obj.verbosity)
    try:
        with obj.locked(config.root):
            reports = import_captures(config, list(captures), content_dir=content,
                                      source_url=source_url, captured_at=captured_at, progress=progress,
                                      keep_remote_images=keep_remote_images)
    finally:
        progress.close()
    for report in reports:
        for capture, warning in report.warnings:
            where = f"{capture}:{warning.line}: " if warning.line else f"{capture}: "
            obj.warn(where + warning.message)
        for note in report.notes:
            if obj.verbosity >= 0:
                click.echo(f"note: {note}", err=True)
        for file in report.files:
            obj.say(f"{file.path}: {file.format}, {file.outlet or 'outlet unknown'}, "
                    + (f"{file.captures} captures, " if file.captures > 1 else "")
                    + f"{_count(file.posts, 'post')} found"
                    + (f" ({file.declared} declared)" if file.declared is not None else "")
                    + (f", {file.archived_images} of {_count(file.images, 'image')} archived"
                       if file.images and file.format in ("WARC", "WACZ") else ""))
        declared = f" of {report.declared} declared" if report.declared is not None else ""
        partial = " (partial capture)" if report.partial else ""
        obj.say(
            f"  → content/{report.blog}/: {report.posts} post"
            f"{'' if report.posts == 1 else 's'}{declared}{partial}; "
            f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged"
            + (f" ({report.renumbered} re-recorded in this capture)" if report.renumbered else "")
        )
    written = reports[-1].written if reports else ()
    for path in written:
        obj.detail(f"wrote {path}")


@main.command("capture")
@verbosity_options
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--every", default="5m", show_default=True, help="Time between rounds: 30s, 5m, 1h.")
@click.option("--until", "until", default=None, help="Stop at this time (ISO 8601; the site's zone without an offset).")
@click.option("--count", type=click.IntRange(1), default=None, help="Stop after this many rounds.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The WARC to append to (default: captures/<host>-<path>-<date>.warc.gz).")
@click.option("--no-import", "no_import", is_flag=True, help="Only record; do not import the rounds.")
@click.option("--max-pages", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Pages fetched per blog and round (the first page and its older pages).")
@click.option("--ignore-robots", is_flag=True, help="Fetch what robots.txt disallows.")
@click.option("--contact", default=None, help="An e-mail or URL for the User-Agent, so the outlet can reach you.")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=30.0, show_default=True,
              help="Seconds a request may take, whole.")
@click.option("--delay", type=click.FloatRange(0, 600), default=1.0, show_default=True,
              help="Seconds between two requests to one host.")
@click.option("--tries", type=click.IntRange(1, 20), default=4, show_default=True,
              help="Tries per page (429, 5xx and network errors are retried with backoff).")
@pass_context
def capture_command(obj: Context, urls: tuple[str, ...], every: str, until: str | None, count: int | None,
                    out: Path | None, no_import: bool, max_pages: int, ignore_robots: bool,
                    contact: str | None, timeout: float, delay: float, tries: int) -> None:
    """Record live blogs while they change: a round every --every into one WARC,
    each round imported into content/ (new, corrected and removed posts).

    \b
    Example:
      liveblog capture https://www.theguardian.com/world/live/2026/dec/02/election-live \\
          --every 5m --until 2026-12-02T23:00 --contact archive@example.org
    """
    from datetime import datetime, timezone

    from generator.commands import capture as run
    from generator.core.config import load_config

    config = load_config(obj.site)
    try:
        checked, seconds = run.check_urls(urls), run.parse_duration(every)
        stop_at = run.parse_until(until, config) if until else None
    except SiteError as error:  # a bad option value: a usage error, exit 2
        raise click.UsageError(error.message) from None
    plan = run.Plan(
        urls=checked, every=seconds, until=stop_at, count=count,
        out=(out if out is not None else run.default_out(config, urls[0], datetime.now(timezone.utc))).absolute(),
        imports=not no_import, max_pages=max_pages, obey_robots=not ignore_robots, contact=contact,
        timeout=timeout, delay=delay, tries=tries)
    obj.say(f"capturing {', '.join(plan.urls)} into {plan.out}"
            + (f", {_count(count, 'round')}" if count else "") + (f" until {plan.until.isoformat()}" if plan.until else ""))
    summary = run.capture(config, plan, lambda line: obj.say(run.describe(line)), obj.warn,
                          lambda: obj.locked(config.root))
    obj.say(f"{'stopped' if summary.stopped else 'done'}: {_count(summary.rounds, 'round')}, "
            f"{_count(summary.pages, 'page')}, {summary.bytes_written:,} bytes written to {summary.out}")


@main.command("build")
@verbosity_options
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: public/ in the site).")
@click.option("--base-url", default=None, callback=lambda _c, _p, v: _base_url(v),
              help="Override base_url of site.toml.")
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--full", is_flag=True, help="Render everything, ignoring what earlier builds left.")
@click.option("--no-replay", is_flag=True,
              help="Publish no WACZ and no replay page for blogs captured in web archives.")
@click.option("--jobs", "-j", type=click.IntRange(0, 64), default=0,
              envvar="LIVEBLOG_JOBS",
              help="Processes rendering big builds  [default: 0, one per usable CPU; builds of "
                   "fewer than 400 pages render in one]. See README, Performance.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search index (public/pagefind/); the search page says so.")
@pass_context
def build_command(obj: Context, output: Path | None, base_url: str | None, drafts: bool,
                  full: bool, no_replay: bool, jobs: int, no_search: bool) -> None:
    """Render the site into public/ (atomically: the old public/ stays until the new one is ready).

    \b
    Example:
      liveblog build --base-url https://example.github.io/liveblog-archive/
    """
    from generator.commands.build import build
    from generator.commands.collector import BatchCollector
    from generator.core.config import load_config
    from generator.core.paths import cpus

    progress = Progress("rendering", obj.verbosity)
    try:
        with obj.locked(load_config(obj.site, base_url=base_url).root):
            report = build(obj.site, output=output, base_url=base_url, drafts=drafts, full=full,
                           replay=not no_replay, workers=jobs or cpus(), progress=progress,
                           collector=BatchCollector(), search=not no_search)
    finally:
        progress.close()
    for note in report.notes:
        obj.warn(note)
    if report.incremental:
        for path in report.written:
            obj.detail(f"wrote {path}")
        for path in report.removed:
            obj.detail(f"removed {path}")
        changes = f"{len(report.written):,} written, {len(report.removed):,} removed"
    else:
        changes = "full build"
    obj.say(
        f"built {_count(report.files, 'file')} ({_count(report.posts, 'post')}, "
        f"{_count(report.days, 'day')}, {_count(report.topics, 'topic')}; {changes}) "
        f"in {report.seconds:.2f} s → {report.output}"
    )


@main.command("check")
@verbosity_options
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", default=None, callback=lambda _c, _p, v: _base_url(v),
              help="The URL the site is served from (default: site.toml).")
@pass_context
def check_command(obj: Context, directory: Path | None, base_url: str | None) -> None:
    """Validate a built site offline: links, #anchors, feeds, sitemap, titles.

    Exits 1 when anything is wrong, printing each problem with its page.

    \b
    Example:
      liveblog check public
    """
    from generator.commands.check import check_site
    from generator.core.config import load_config

    if base_url is None:
        base_url = load_config(obj.site).base_url
    root = directory if directory is not None else obj.site / OUTPUT_DIR
    report = check_site(root, base_url)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    summary = (f"checked {report.pages:,} pages and {report.links:,} links in {root}: "
               f"{len(report.problems):,} problems")
    if report.problems:
        raise SiteError(summary)
    obj.say(summary)


@main.command("serve")
@verbosity_options
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on; the next free one is used when it is busy.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@pass_context
def serve_command(obj: Context, port: int, host: str) -> None:
    """Build, serve and live-reload the site while you edit it.

    Watches content/, templates/, static/, captures/ and site.toml; open pages
    reload after each rebuild. A build error is shown in the terminal and on the
    page, and the server keeps running. Ctrl-C stops it.

    \b
    Example:
      liveblog serve --port 8000
    """
    from generator.commands.serve import serve

    def log(message: str) -> None:
        if message.startswith("Error:") or obj.verbosity >= 0:
            click.echo(message, err=message.startswith("Error:"))

    serve(obj.site, host=host, port=port, log=log, lock_timeout=obj.lock_timeout)


@main.command("verify")
@verbosity_options
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--coverage", is_flag=True,
              help="Also prove every sentence of every capture is in the built pages.")
@pass_context
def verify_command(obj: Context, directory: Path | None, coverage: bool) -> None:
    """Check fixity: captures, content and the built site against their sha256 manifests.

    Names every missing, extra or altered file and exits 1 on any. DIRECTORY is
    the built site (default: public/ when it exists).

    \b
    Example:
      liveblog verify
      liveblog verify public --coverage
    """
    from generator.core.config import load_config
    from generator.commands.coverage import coverage as measure_coverage
    from generator.commands.verify import verify_site, verify_sources

    config = load_config(obj.site)
    public = directory if directory is not None else config.root / OUTPUT_DIR
    reports = [verify_sources(config)]
    if directory is not None or public.is_dir() or coverage:
        reports.append(verify_site(public))
    findings = [finding for report in reports for finding in report.findings]
    checked = {label: count for report in reports for label, count in report.checked.items()}
    if coverage:
        results, missing = measure_coverage(config, public)
        findings += missing
        for result in results:
            obj.say(f"coverage {result}")
    for finding in findings:
        click.echo(str(finding), err=True)
    summary = "verified " + ", ".join(f"{count:,} {label}" for label, count in checked.items())
    summary += f": {len(findings):,} problem{'s' if len(findings) != 1 else ''}"
    if findings:
        raise SiteError(summary)
    obj.say(summary)


@main.command("export-bag")
@verbosity_options
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--with-site", is_flag=True, help="Include the built site (public/) in the bag.")
@pass_context
def export_bag_command(obj: Context, directory: Path, with_site: bool) -> None:
    """Export captures, content and site.toml as a BagIt bag (RFC 8493, sha256).

    \b
    Example:
      liveblog export-bag ../liveblog-bag-2023-07-08
    """
    from generator.commands.bag import export_bag
    from generator.core.config import load_config

    config = load_config(obj.site)
    with obj.locked(config.root):
        report = export_bag(config, directory, with_site=with_site)
    obj.say(f"bagged {report.files:,} files ({report.bytes:,} bytes) → {report.path}")


@main.command("export-wacz")
@verbosity_options
@click.argument("blog", required=False)
@click.argument("out", metavar="OUT.wacz", required=False, type=click.Path(path_type=Path))
@click.option("--all", "every", is_flag=True, help="Package every blog that has a web-archive capture.")
@pass_context
def export_wacz_command(obj: Context, blog: str | None, out: Path | None, every: bool) -> None:
    """Package a blog's web archives (its WARC and WACZ captures) as one WACZ 1.1.1 file.

    BLOG is the blog's folder name under content/. The WACZ holds the WARCs as
    kept in captures/, a CDXJ index, the captured pages and every file's sha256;
    ReplayWeb.page and pywb replay it. Saved HTML pages and texts are no web
    archive and are left out (the summary names them).

    \b
    Example:
      liveblog export-wacz 2024-03-05-storm-live storm.wacz
      liveblog export-wacz --all archive.wacz
    """
    from generator.commands.export_wacz import export_wacz
    from generator.core.config import load_config

    names = [name for name in (blog, out) if name is not None]
    if len(names) != (1 if every else 2):
        raise click.UsageError("give BLOG OUT.wacz, or --all OUT.wacz")
    config = load_config(obj.site)
    with obj.locked(config.root):  # a consistent view of captures/ and content/
        report = export_wacz(config, None if every else blog, Path(names[-1]))
    for left in report.left_out:
        obj.warn(f"{left}: not a web archive, left out of the WACZ")
    for skipped in report.skipped:
        obj.detail(f"skipped content/{skipped}/: no web-archive capture")
    for capture in report.unlisted:
        obj.warn(f"{capture}: its record is not in the index (no page listed for it)")
    obj.say(f"packaged {', '.join(report.blogs)}: {_count(report.warcs, 'WARC')}, "
            f"{_count(report.pages, 'page')}, {report.bytes:,} bytes → {report.path}")


@main.command("init")
@verbosity_options
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@pass_context
def init_command(obj: Context, directory: Path) -> None:
    """Create a new, empty site in DIR (a new or empty folder).

    Writes site.toml, templates/ and static/ (a copy of the default theme to
    edit), content/, captures/, a Makefile, a README and a GitHub Pages
    workflow. The new site builds at once.

    \b
    Example:
      liveblog init my-archive
      cd my-archive && liveblog build
    """
    import shlex

    from generator.commands.init import init_site

    written = init_site(directory)
    for path in written:
        obj.detail(f"wrote {directory / path}")
    obj.say(f"created a new site in {directory} ({len(written)} files)")
    obj.say(
        "next steps:\n"
        f"  cd {shlex.quote(str(directory))}\n"
        "  liveblog import CAPTURE.txt --source-url URL   # a saved live blog → content/\n"
        "  liveblog serve                                 # preview, reloads on every change\n"
        "  publish: push to GitHub, then Settings → Pages → Source: GitHub Actions (see README.md)"
    )

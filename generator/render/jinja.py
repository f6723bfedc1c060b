"""PageSpecs → a stream of (path, bytes): the only Jinja2 user.

One `Renderer` per build holds the Jinja environment (templates/ of the site,
then the theme's; StrictUndefined, autoescape), the globals and filters the
templates use (registered here, in one place), and the template fingerprints
that incremental builds compare. Post bodies are rendered once per build and
text: a small in-memory cache, then the build's `CardStore` (cards.py).
Post bodies may hold raw HTML from a capture: the HTML Markdown produces is
cleaned with nh3 (Rust's ammonia, an allow-list sanitiser), so scripts,
event handlers and javascript: URLs never reach a page or a feed. Parallel
rendering uses the forked worker pool of pool.py.
"""

from __future__ import annotations

import difflib
import email.utils
import functools
import hashlib
import html as htmllib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

import jinja2
import jinja2.meta
import jinja2.runtime
import nh3
from markupsafe import Markup

from generator.core.config import Config
from generator.core.errors import SiteError
from generator.core.paths import THEME
from generator.core.urls import is_safe_link
from generator.render import errors, markdown
from generator.render.cards import CardStore
from generator.render.pool import fan_out_stream
from generator.site import jsonld
from generator.site.pages import PageSpec

_ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "lang", "title", "dir"},
    "a": {"href", "hreflang", "title"},
    # An archived photo (/media/…), or with --keep-remote-images the outlet's, sent no referrer.
    "img": {"src", "alt", "loading", "referrerpolicy"},
    "time": {"datetime"},
}
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_TAG = re.compile(r"<[^>]*>")
_FIGURE = re.compile(r"<figure\b.*?</figure>", re.DOTALL)
EXCERPT_WORDS = 40  # of a post, on topic pages
T = TypeVar("T")


class Renderer:
    """Renders pages with the site's templates; one instance per build."""

    BODY_CACHE = 1_000  # rendered bodies kept in memory

    def __init__(self, config: Config, templates_dir: Path | None,
                 bytecode_dir: Path | None = None,
                 references: dict[str, tuple[str | None, ...]] | None = None) -> None:
        """`bytecode_dir`: where compiled templates are kept between builds (Jinja
        checks each against its template's source, so a stale one is never used).
        `references`: the templates each template source names, by the source's
        sha256, kept by a caller that builds again (serve): not parsed twice."""
        self.config = config
        self._zone_labels = {name: label for label, name in config.zones}
        self._tz = config.tz()
        self._cleaner = nh3.Cleaner(attributes=_ALLOWED_ATTRIBUTES, link_rel="noopener nofollow",
                                    url_schemes={"http", "https", "mailto"})
        # Rendered bodies by text: a post's card, page and feed item follow each other.
        self._body = functools.lru_cache(maxsize=self.BODY_CACHE)(self._stored_body)
        self._folders = [d for d in (templates_dir, THEME / "templates") if d is not None and d.is_dir()]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self._folders]),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
            bytecode_cache=_bytecode_cache(bytecode_dir),
        )
        self._cards = CardStore()
        self._fingerprints: dict[str, str] = {}
        self._references = references if references is not None else {}
        self.env.globals["card"] = self.card
        self.env.globals["excerpt_card"] = self.excerpt_card
        self.env.globals["once"] = self.once
        self.env.globals["time_tag"] = self.time_tag
        self.env.globals["jsonld_article"] = lambda view, blog: jsonld.article(view, blog, config)
        self.env.globals["jsonld_live_blog"] = lambda blog, views: jsonld.live_blog(blog, views, config)
        self.env.filters.update(
            body=self.body,
            excerpt=self.excerpt,
            absolute_body=self.absolute_body,
            paragraph_diff=self.paragraph_diff,
            local=self.local,
            clock=self.clock,
            zone=self.zone,
            longdate=longdate,
            month=lambda d: f"{d:%B %Y}",
            iso=html_datetime,
            rfc822=lambda d: email.utils.format_datetime(d),
            jsonld=script_json,
            href=safe_link,
            html_text=html_text,
            thousands=lambda n: f"{n:,}",
            megabytes=lambda n: f"{n / 1_000_000:,.1f} MB" if n >= 100_000 else f"{max(1, round(n / 1000)):,} kB",
            plural=lambda n, word, many=None: f"{n:,} {word if n == 1 else (many or word + 's')}",
        )

    # Globals -----------------------------------------------------------------

    def card(self, view: Any, heading: str = "h2", with_date: bool = True,
             show_blog: bool = True) -> Markup:
        """The `post_card` macro of _macros.html, rendered once per build, post and variant."""
        return self.once("post_card", f"{view.key}|{heading}|{with_date:d}{show_blog:d}", view,
                         heading=heading, with_date=with_date, show_blog=show_blog)

    def excerpt_card(self, view: Any) -> Markup:
        """The `excerpt_item` macro of _macros.html (a post on a topic page), once per build and post."""
        return self.once("excerpt_item", view.key, view)

    def once(self, name: str, key: str, *args: Any, **kwargs: Any) -> Markup:
        """The macro `name` of _macros.html called with `args`, rendered once per build
        and `key` (the caller's promise: equal keys, equal output) and kept in the card store."""
        stored = f"{name}|{key}"
        html = self._cards.get(stored)
        if html is None:
            macro = getattr(self.env.get_template("_macros.html").module, name)
            html = str(macro(*args, **kwargs))
            self._cards.put(stored, html)
        return Markup(html)

    # Filters -----------------------------------------------------------------
    def body(self, markdown_text: str) -> Markup:
        """A post body as clean HTML (rendered once per build and text)."""
        return Markup(self._body(markdown_text))

    def excerpt(self, markdown_text: str, words: int = EXCERPT_WORDS) -> str:
        """The first `words` words of a post's text (no captions or credits), as plain text."""
        html_text = _FIGURE.sub(" ", self._body(markdown_text))
        text = htmllib.unescape(_TAG.sub(" ", html_text)).split()
        return " ".join(text[:words]) + (" …" if len(text) > words else "")

    def _stored_body(self, markdown_text: str) -> str:
        """Past the in-memory cache: the card store, by the text's hash."""
        key = "body:" + hashlib.blake2b(markdown_text.encode(), digest_size=16).hexdigest()
        html = self._cards.get(key)
        if html is None:
            html = self._cleaner.clean(markdown.to_html(markdown_text))
            html = _URL_ATTRIBUTE.sub(self._site_relative, html)
            self._cards.put(key, html)
        return html

    def _site_relative(self, match: re.Match[str]) -> str:
        """A link written as /path in a post means /path under the site's base path. What
        nh3 lets through but a page must not link to (`//host`, `\\host`: core/urls.py
        `is_safe_link`) loses the attribute; the link's text stays."""
        url = match[2]
        if not is_safe_link(htmllib.unescape(url)):
            return ""
        base = self.config.base_path
        if url.startswith("/") and not url.startswith("//") and not url.startswith(base):
            url = base + url[1:]
        return match[1] + url + match[3]

    def paragraph_diff(self, older: str, newer: str) -> list[tuple[str, Markup]]:
        """The paragraphs that differ between two versions of a body, in order:
        ("removed", old paragraph) and ("added", new paragraph), each rendered."""
        old = [p for p in older.split("\n\n") if p.strip()]
        new = [p for p in newer.split("\n\n") if p.strip()]
        changes: list[tuple[str, Markup]] = []
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for kind, a1, a2, b1, b2 in matcher.get_opcodes():
            if kind == "equal":
                continue
            changes += [("removed", self.body(p)) for p in old[a1:a2]]
            changes += [("added", self.body(p)) for p in new[b1:b2]]
        return changes

    def absolute_body(self, markdown_text: str, page_url: str) -> Markup:
        """A post body for feeds: every link and image made absolute."""
        html = str(self.body(markdown_text))
        return Markup(_URL_ATTRIBUTE.sub(lambda m: m[1] + urljoin(page_url, m[2]) + m[3], html))

    def time_tag(self, moment: datetime, with_date: bool = True) -> Markup:
        """<time datetime="ISO with offset">11:29 a.m. ET, July 8, 2023</time>, in the site's zone."""
        local = moment.astimezone(self._tz)
        shown = f"{self.clock(local)} {self.zone(local)}" + (f", {longdate(local)}" if with_date else "")
        return Markup(f'<time datetime="{html_datetime(local)}">{shown}</time>')

    def local(self, moment: datetime) -> datetime:
        """The same instant in the site's time zone (what readers are shown)."""
        return moment.astimezone(self._tz)

    def clock(self, moment: datetime) -> str:
        """11:29 a.m. (AP style), in the time's own zone."""
        hour = moment.hour % 12 or 12
        half = "a.m." if moment.hour < 12 else "p.m."
        return f"{hour}:{moment.minute:02d} {half}"

    def zone(self, moment: datetime) -> str:
        """The zone label readers know: ET for America/New_York (from [zones]), else EDT/EST."""
        key = getattr(moment.tzinfo, "key", None)
        if key in self._zone_labels:
            return self._zone_labels[key]
        return moment.tzname() or moment.strftime("%z")

    # Fingerprints ------------------------------------------------------------
    def template_fingerprint(self, name: str) -> str:
        """A hash of a template's source and of every template it extends, includes or imports."""
        known = self._fingerprints.get(name)
        if known is not None:
            return known
        self._fingerprints[name] = "cycle"
        digest = hashlib.sha256(name.encode())
        try:
            assert self.env.loader is not None
            source, _filename, _uptodate = self.env.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:
            source = ""  # rendering will report it
        except UnicodeDecodeError:
            found = errors.undecodable(self._folders, self.config.root)
            if found is None:
                raise
            raise found from None
        digest.update(source.encode())
        references = list(self._referenced(source))
        if None in references:  # a computed name: depend on every template
            references = list(sorted(self.env.list_templates()))
        for reference in sorted(r for r in references if r is not None):
            digest.update(self.template_fingerprint(reference).encode())
        result = digest.hexdigest()[:24]
        self._fingerprints[name] = result
        return result

    def _referenced(self, source: str) -> tuple[str | None, ...]:
        """The templates `source` extends, includes or imports (None: a computed name)."""
        key = hashlib.sha256(source.encode()).hexdigest()
        known = self._references.get(key)
        if known is None:
            try:
                known = tuple(jinja2.meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError:
                known = ()  # rendering will report it
            self._references[key] = known
        return known

    # Rendering ---------------------------------------------------------------
    def render(self, spec: PageSpec) -> bytes | bytearray:
        try:
            template = self.env.get_template(spec.template)
            if spec.large:
                data = bytearray()
                for piece in template.generate(spec.make_context()):
                    data += piece.encode("utf-8")
                return data  # not copied into bytes: written and hashed as it is
            return template.render(spec.make_context()).encode("utf-8")
        except jinja2.TemplateSyntaxError as error:
            raise SiteError(f"template syntax error: {error.message}",
                            path=error.filename or spec.template, line=error.lineno) from None
        except jinja2.TemplateNotFound as error:
            raise SiteError(f"template not found: {error.name}",
                            path=f"templates/{error.name}") from None
        except jinja2.UndefinedError as error:
            raise SiteError(f"template error while rendering {spec.path}: {error.message}",
                            path=f"templates/{spec.template}") from None
        except UnicodeDecodeError:
            found = errors.undecodable(self._folders, self.config.root)
            if found is None:
                raise
            raise found from None
        except RecursionError:
            raise errors.loop(spec.template, self._folders, self.config.root) from None
        except Exception as error:  # noqa: BLE001 - only a template's own failure becomes a user error
            found = errors.runtime_error(error, self.config.root)
            if found is None:
                raise
            raise found from None

    def render_all(self, specs: Iterable[PageSpec]) -> Iterator[tuple[str, bytes | bytearray]]:
        for spec in specs:
            yield spec.path, self.render(spec)

    def render_parallel(self, count: int, specs: Callable[[], Iterator[PageSpec]], workers: int,
                        place: Callable[[str, bytes | bytearray, set[str]], T]) -> Iterator[tuple[str, T]]:
        """Render the `count` pages `specs()` makes on `workers` forked processes, each
        handing its pages to `place(path, bytes, folders made)` (publish/atomic.py
        `Target.place`: write and hash into the staging folder); the records it
        returns arrive in no particular order.

        Forked children inherit the renderer (each opens its own card store and
        content database) and make the stream of specs themselves; only paths and
        records travel back."""
        made: set[str] = {""}  # each worker's own copy after the fork

        def job(spec: PageSpec) -> tuple[str, T]:
            return spec.path, place(spec.path, self.render(spec), made)

        for batch in fan_out_stream(workers, count, specs, job):
            yield from batch

    def close(self) -> None:
        self._cards.close()


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # only slower
    return jinja2.FileSystemBytecodeCache(str(folder))


def html_datetime(moment: date) -> str:
    """A date or time as HTML's datetime attribute takes it: ISO 8601, with at most three
    digits of a second (a WARC date has six)."""
    if isinstance(moment, datetime) and moment.microsecond:
        return moment.isoformat(timespec="milliseconds")
    return moment.isoformat()


# A site links to the same few thousand URLs on every page (its header, its topics, its
# days): judged once per process. The judgement is a pure function of the text.
_known_safe = functools.lru_cache(maxsize=1 << 16)(is_safe_link)


@jinja2.pass_context
def safe_link(context: jinja2.runtime.Context, url: object) -> str:
    """The `href` filter, on every URL a template puts in href or src (and a feed's
    links): the URL as it is when core/urls.py `is_safe_link` allows it, else the
    build stops naming the template. Values from content/ were checked when read;
    this holds whatever a template prints."""
    text = str(url)
    if _known_safe(text):
        return text
    shown = text[:80] + ("…" if len(text) > 80 else "")
    raise SiteError(f"refusing to publish a link to {shown!r}: only http(s) URLs and the site's own "
                    "addresses may be linked", path=f"templates/{context.name}")


def html_text(text: object) -> str:
    """Plain text for an RSS element whose content is HTML (a channel's description):
    escaped for HTML here, then for XML by autoescaping, so a reader shows
    `Posts about <script>` as those characters. A plain str, not Markup, so the
    second escape happens; text elements (title, category) need only the second."""
    return htmllib.escape(str(text), quote=False)


def longdate(value: date | datetime) -> str:
    """July 8, 2023"""
    return _longdate(value.year, value.month, value.day)


@functools.lru_cache(maxsize=1 << 12)
def _longdate(year: int, month: int, day: int) -> str:
    return f"{date(year, month, day):%B} {day}, {year}"


def script_json(data: Any) -> Markup:
    """JSON (text, or data to encode) for a <script type="application/ld+json"> block
    that nothing can break out of."""
    # Compact: only then does json use its C encoder (indent forces the pure-Python one).
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)

"""PageSpecs → a stream of (path, bytes): the only Jinja2 user.

One `Renderer` per build holds the Jinja environment (templates/ of the site,
StrictUndefined, autoescape) and a cache of rendered post bodies, so each
post's Markdown is converted and sanitised once however many pages show it.
Post bodies may hold raw HTML from a capture: the HTML Markdown produces is
cleaned with nh3 (Rust's ammonia, an allow-list sanitiser), so scripts,
event handlers and javascript: URLs never reach a page or a feed.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
import nh3
from markupsafe import Markup

from generator import markup
from generator.config import Config
from generator.errors import SiteError
from generator.pages import PageSpec

_ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "lang", "title", "dir"},
    "a": {"href", "hreflang", "title"},
    "time": {"datetime"},
}
THEME = Path(__file__).resolve().parent / "theme"  # the default theme, shipped in the package
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


class Renderer:
    """Renders pages with the site's templates; one instance per build."""

    def __init__(self, config: Config, templates_dir: Path | None) -> None:
        self.config = config
        self._zone_labels = {name: label for label, name in config.zones}
        self._tz = config.tz()
        self._cleaner = nh3.Cleaner(attributes=_ALLOWED_ATTRIBUTES, link_rel=None,
                                    url_schemes={"http", "https", "mailto"})
        self._bodies: dict[str, str] = {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(
                [str(d) for d in (templates_dir, THEME / "templates") if d is not None and d.is_dir()]
            ),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.env.filters.update(
            body=self.body,
            absolute_body=self.absolute_body,
            local=self.local,
            clock=self.clock,
            zone=self.zone,
            longdate=longdate,
            month=lambda d: f"{d:%B %Y}",
            iso=lambda d: d.isoformat(),
            rfc822=lambda d: email.utils.format_datetime(d),
            jsonld=jsonld,
            thousands=lambda n: f"{n:,}",
            plural=lambda n, word, many=None: f"{n:,} {word if n == 1 else (many or word + 's')}",
        )

    # Filters -----------------------------------------------------------------
    def body(self, markdown_text: str) -> Markup:
        """A post body as clean HTML (cached per body text)."""
        html = self._bodies.get(markdown_text)
        if html is None:
            html = self._cleaner.clean(markup.to_html(markdown_text))
            html = _URL_ATTRIBUTE.sub(self._site_relative, html)
            self._bodies[markdown_text] = html
        return Markup(html)

    def _site_relative(self, match: re.Match[str]) -> str:
        """A link written as /path in a post means /path under the site's base path."""
        url = match[2]
        base = self.config.base_path
        if url.startswith("/") and not url.startswith("//") and not url.startswith(base):
            url = base + url[1:]
        return match[1] + url + match[3]

    def absolute_body(self, markdown_text: str, page_url: str) -> Markup:
        """A post body for feeds: every link and image made absolute."""
        html = str(self.body(markdown_text))
        return Markup(_URL_ATTRIBUTE.sub(lambda m: m[1] + urljoin(page_url, m[2]) + m[3], html))

    def local(self, moment: datetime) -> datetime:
        """The same instant in the site's time zone (what readers are shown)."""
        return moment.astimezone(self._tz)

    def clock(self, moment: datetime) -> str:
        """11:29 a.m. (AP style), in the time's own zone."""
        hour = moment.hour % 12 or 12
        half = "a.m." if moment.hour < 12 else "p.m."
        return f"{hour}:{moment:%M} {half}"

    def zone(self, moment: datetime) -> str:
        """The zone label readers know: ET for America/New_York (from [zones]), else EDT/EST."""
        key = getattr(moment.tzinfo, "key", None)
        if key in self._zone_labels:
            return self._zone_labels[key]
        return moment.tzname() or moment.strftime("%z")

    # Rendering ---------------------------------------------------------------
    def render(self, spec: PageSpec) -> bytes:
        try:
            template = self.env.get_template(spec.template)
            return template.render(spec.context).encode("utf-8")
        except jinja2.TemplateSyntaxError as error:
            raise SiteError(f"template syntax error: {error.message}",
                            path=error.filename or spec.template, line=error.lineno) from None
        except jinja2.TemplateNotFound as error:
            raise SiteError(f"template not found: {error.name}",
                            path=f"templates/{error.name}") from None
        except jinja2.UndefinedError as error:
            raise SiteError(f"template error while rendering {spec.path}: {error.message}",
                            path=f"templates/{spec.template}") from None

    def render_all(self, specs: Iterable[PageSpec]) -> Iterator[tuple[str, bytes]]:
        for spec in specs:
            yield spec.path, self.render(spec)


def longdate(value: date | datetime) -> str:
    """July 8, 2023"""
    return f"{value:%B} {value.day}, {value.year}"


def jsonld(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block that nothing can break out of."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)

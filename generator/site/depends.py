"""Which pages changed: a signature for each page, from everything it shows.

A page's signature is a hash of its template (with every template it
extends, includes or imports), the build settings, its path and its key
(site/pages.py: a digest of what it shows, each post entering by its view key).
Two builds give a page the same signature exactly when they would render it
from the same inputs, so an incremental build renders only the pages whose
signature moved: for a one-post edit, its permalink, its day, its blog, its
topics' pages and the feeds that list it.

Keys are made from entries and file hashes, never from rendered text or
whole posts, so signing every page of a 100,000-post archive costs a fraction
of a second and no post body is read for a page that is not rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from generator.site.pages import PageSpec


def signature(spec: PageSpec, template_fingerprint: Callable[[str], str], salt: str) -> str:
    body = f"{salt}|{template_fingerprint(spec.template)}|{spec.path}|{spec.key}"
    return hashlib.blake2b(body.encode(), digest_size=16).hexdigest()

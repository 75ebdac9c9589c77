"""Hole-punched page cache for catalog pages: one shared page per URL, personal fragments per visitor.

The home, category, search and product pages are almost entirely the same for everyone: products,
prices, reviews, facets, listings. That part is rendered once per URL and kept in the cache until it
expires (`PAGE_CACHE_SECONDS`) or the catalog changes (`page_cache_invalidate`, called by catalog
writes). What is personal (the header's account menu and cart count, flash messages, the product
page's wishlist button, review link and helpful votes) is marked in the templates with
`{% personal "fragment.html" arg=value %}` (core/templatetags/page_holes.py) and computed on every
request: a hole-punched page, as large stores serve from the edge.

- The shared part is rendered for a copy of the request with no user, no session and no messages
  (`_shared_request`), so nothing personal can be baked into it whatever a template reads. There
  the tag leaves a hole and records its fragment and arguments (which must not be personal: they
  are cached).
- Each request fills the holes by rendering the fragments with the visitor's own context: the
  context processors' values (user, cart count, messages, CSRF token) once per request, plus what
  the view adds from the page's cached `data` (`personal`, e.g. the product page's viewer state in
  one query). On pages served otherwise (cart, account) the tag simply includes the fragment.
- Visitors without a session (no session or flash-message cookie) all get the same fragments: they
  are rendered once with the page, so such a hit costs no database query and no template work.

Staleness: a catalog write (price, sell-out, restock, rating, product edit) invalidates every page
at once with a shared cache (Redis); with the per-process default cache other processes see it
within `PAGE_CACHE_SECONDS`, the bound for any change, like a stock count that merely went down.

Why not Django's `cache_page`: it refuses responses that set cookies (every page with a form sets
the CSRF cookie), it has no holes, it cannot run per-request work on a hit (the product view must
still record the view event) and its key ignores catalog changes. Also handled here:
- CSRF: tokens in the shared HTML are replaced by a placeholder, and each response gets the
  visitor's own token (and cookie) through `get_token`; fragments render the visitor's token.
- Per-request work: the view keeps what it needs on a hit in `CachedPage.data` (e.g. the product
  id for the view event) and runs that work itself on hits and misses alike.
"""

import copy
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine

_VERSION_KEY = "page-cache:version"
_TOKEN_PLACEHOLDER = "__csrf_token__"
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')

# What a view adds to the fragments' context: (request, the page's data) -> extra context.
PersonalContext = Callable[[HttpRequest, dict], dict]


class PageHoles:
    """The holes of one shared render: the tag asks for a marker, the page is split on them after."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)  # markers no page content can forge
        self.fragments: list[tuple[str, dict]] = []

    def punch(self, template_name: str, arguments: dict) -> str:
        self.fragments.append((template_name, arguments))
        return f"<!--hole {self.nonce} {len(self.fragments) - 1}-->"

    def split(self, content: str) -> tuple[list[str], list[tuple[str, dict]]]:
        """The static pieces around the holes (one more than holes) and the holes in page order."""
        pieces = re.split(rf"<!--hole {self.nonce} (\d+)-->", content)
        return pieces[0::2], [self.fragments[int(index)] for index in pieces[1::2]]


@dataclass
class CachedPage:
    pieces: list[str]  # the shared HTML around the holes
    holes: list[tuple[str, dict]]  # (fragment template, its arguments) per hole
    sessionless: list[str]  # each hole as a visitor without a session sees it
    content_type: str
    data: dict = field(default_factory=dict)

    def content(self, fills: list[str]) -> str:
        parts = [self.pieces[0]]
        for fill, piece in zip(fills, self.pieces[1:], strict=True):
            parts += (fill, piece)
        return "".join(parts)


def _enabled(request: HttpRequest) -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and request.method == "GET"


def _sessionless(request: HttpRequest) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES  # a flash message is meant for this visitor only
        and not request.user.is_authenticated
    )


def _key(request: HttpRequest) -> str:
    version = cache.get(_VERSION_KEY, 0)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:2:{version}:{path}"  # 2: the hole-punched page layout


def _shared_request(request: HttpRequest) -> HttpRequest:
    """The request as an anonymous visitor without a session would make it, with a hole recorder."""
    shared = copy.copy(request)
    shared.META = request.META.copy()  # get_token on it must not touch the visitor's CSRF state
    shared.COOKIES = {}
    shared.user = AnonymousUser()
    shared.session = import_module(settings.SESSION_ENGINE).SessionStore()
    shared._messages = []
    shared.page_holes = PageHoles()
    return shared


def _fill(holes: list[tuple[str, dict]], request: HttpRequest, data: dict, personal: PersonalContext | None):
    """Each hole's fragment rendered for this request's visitor."""
    if not holes:
        return []
    engine = Engine.get_default()
    values = {}
    for processor in engine.template_context_processors:  # once per request, not per fragment
        values.update(processor(request))
    if personal is not None:
        values.update(personal(request, data))
    context = Context(values, autoescape=engine.autoescape)
    fills = []
    for template_name, arguments in holes:
        with context.push(arguments):
            fills.append(engine.get_template(template_name).render(context))
    return fills


def _without_token(html: str) -> str:
    return _TOKEN_FIELD.sub(rf"\g<1>{_TOKEN_PLACEHOLDER}\g<2>", html)


def _render_shared(request: HttpRequest, render_page, personal: PersonalContext | None) -> CachedPage:
    shared = _shared_request(request)
    response, data = render_page(shared)
    content = _without_token(response.content.decode())
    pieces, holes = shared.page_holes.split(content)
    sessionless = [_without_token(fill) for fill in _fill(holes, shared, data, personal)]
    return CachedPage(pieces, holes, sessionless, response["Content-Type"], data or {})


def page_cache_serve(
    request: HttpRequest,
    render_page: Callable[[HttpRequest], tuple[HttpResponse, dict]],
    *,
    personal: PersonalContext | None = None,
) -> tuple[HttpResponse, dict]:
    """The page for this visitor and its data: the shared part from the cache, or from
    `render_page(shared_request)` (stored for next time), with its holes filled for the visitor.

    `render_page` must build the page from the request it is given, never from the visitor's, and
    leave everything personal to `{% personal %}` fragments; `personal(request, data)` adds what
    those fragments need beyond the context processors.
    """
    key = _key(request) if _enabled(request) else None  # before rendering: a write meanwhile retires it
    page = cache.get(key) if key else None
    hit = page is not None
    if page is None:
        page = _render_shared(request, render_page, personal)
        if key:
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
    fills = page.sessionless if _sessionless(request) else _fill(page.holes, request, page.data, personal)
    content = page.content(fills)
    if _TOKEN_PLACEHOLDER in content:
        content = content.replace(_TOKEN_PLACEHOLDER, get_token(request))
    response = HttpResponse(content, content_type=page.content_type)
    if hit:
        response["X-Page-Cache"] = "hit"
    return response, page.data


def page_cache_invalidate() -> None:
    """Forget every cached page (call after catalog writes). Immediate across processes with a
    shared cache (Redis); with the per-process default cache, other processes expire on their TTL."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)

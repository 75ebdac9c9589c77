"""Whole-page cache for anonymous catalog traffic.

Most catalog requests come from visitors with no session: for them the home, category, search and
product pages are the same HTML for everyone, so they are rendered once per URL and served from
the cache until it expires (`PAGE_CACHE_SECONDS`) or the catalog changes (`page_cache_invalidate`,
called by catalog writes). Visitors with a session (a cart, a login, a flash message) always get a
fresh render.

Why not Django's `cache_page`: it refuses responses that set cookies (every page with a form sets
the CSRF cookie), it cannot run per-request work on a hit (the product view must still record the
view event), and its key ignores catalog changes. Two things are handled here instead:
- CSRF: tokens in the cached HTML are replaced by a placeholder, and each hit gets the visitor's
  own token (and cookie) through `get_token`.
- Per-request work: the view keeps what it needs on a hit in `CachedPage.data` (e.g. the product
  id for the view event) and runs that work itself on hits and misses alike.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

_VERSION_KEY = "page-cache:version"
_TOKEN_PLACEHOLDER = "__csrf_token__"
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


@dataclass
class CachedPage:
    content: str
    content_type: str
    data: dict = field(default_factory=dict)

    def response(self, request: HttpRequest) -> HttpResponse:
        content = self.content
        if _TOKEN_PLACEHOLDER in content:
            content = content.replace(_TOKEN_PLACEHOLDER, get_token(request))
        response = HttpResponse(content, content_type=self.content_type)
        response["X-Page-Cache"] = "hit"
        return response


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES  # a flash message is meant for this visitor only
        and not request.user.is_authenticated
    )


def _key(request: HttpRequest) -> str:
    version = cache.get(_VERSION_KEY, 0)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{version}:{path}"


def page_cache_get(request: HttpRequest) -> CachedPage | None:
    """The cached page for this request, or None (a miss, or a visitor who must get a fresh page)."""
    if not _cacheable(request):
        return None
    return cache.get(_key(request))


def page_cache_store(request: HttpRequest, response: HttpResponse, *, data: dict | None = None) -> HttpResponse:
    """Keep a freshly rendered 200 response for later anonymous visitors; returns the response."""
    if response.status_code == 200 and _cacheable(request) and not response.cookies.get(settings.SESSION_COOKIE_NAME):
        content = _TOKEN_FIELD.sub(rf"\g<1>{_TOKEN_PLACEHOLDER}\g<2>", response.content.decode())
        page = CachedPage(content=content, content_type=response["Content-Type"], data=data or {})
        cache.set(_key(request), page, settings.PAGE_CACHE_SECONDS)
    return response


def page_cache_invalidate() -> None:
    """Forget every cached page (call after catalog writes). Immediate across processes with a
    shared cache (Redis); with the per-process default cache, other processes expire on their TTL."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


def page_cache_serve(
    request: HttpRequest, render_page: Callable[[], tuple[HttpResponse, dict]]
) -> tuple[HttpResponse, dict]:
    """The cached page and its data, or `render_page()`'s response and data, stored for next time."""
    cached = page_cache_get(request)
    if cached is not None:
        return cached.response(request), cached.data
    response, data = render_page()
    return page_cache_store(request, response, data=data), data

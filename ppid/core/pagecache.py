"""A short-lived cache of whole public pages for anonymous visitors.

Public pages are the same for every anonymous visitor in a language (the language switcher is
plain links, the search form uses GET, so no CSRF token is in them). A page is cached per
language, full URL and htmx request headers, for PUBLIC_PAGE_CACHE_SECONDS, under a version
that every write to the data behind it bumps (`public_pages_changed`), so a publication or a
withdrawal shows at once. Signed-in users always get a fresh page, and so does everyone when
the view marks its page `no-store` (a datastore load's progress).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

_VARY_HEADERS = ("HX-Request", "HX-Target", "HX-History-Restore-Request")
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control")


def pages_version(namespace: str) -> str:
    """The current version of `namespace`'s cached data; it changes on every write."""
    key = f"pagecache:version:{namespace}"
    version = cache.get(key)
    if version is None:
        version = str(time.time_ns())
        cache.add(key, version, None)
        version = cache.get(key, version)
    return version


def public_pages_changed(namespace: str) -> None:
    """Invalidate every cached page of `namespace` once the current transaction commits."""
    transaction.on_commit(
        lambda: cache.set(f"pagecache:version:{namespace}", str(time.time_ns()), None)
    )


def cache_public_page(namespace: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
            if (
                seconds <= 0
                or request.method not in ("GET", "HEAD")
                or request.user.is_authenticated
            ):
                return view(request, *args, **kwargs)
            vary = "|".join(request.headers.get(h, "") for h in _VARY_HEADERS)
            digest = hashlib.sha256(f"{request.get_full_path()}|{vary}".encode()).hexdigest()
            key = f"pagecache:{namespace}:{pages_version(namespace)}:{get_language()}:{digest}"
            cached = cache.get(key)
            if cached is not None:
                content, headers = cached
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and "no-store" not in response.get("Cache-Control", "")  # e.g. live progress
            ):
                headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
                cache.set(key, (response.content, headers), seconds)
            return response

        return wrapped

    return decorator

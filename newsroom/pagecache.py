"""A server-side cache for public pages, exact about what readers may see.

Every cached page is stored under the current *content version*. Any change
that can alter a public page (publishing, unpublishing, editing a live article,
changing a section, tag, author, correction or related link) sets a new content
version, so the next request for every page renders afresh: nothing has to
know which pages showed what. No entry lives past the next scheduled
publication, so a scheduled article appears on cached pages at its second.

Readers who are signed in (editors), previews and anything but GET and HEAD
bypass the cache. Cached and fresh responses carry an ETag (conditional GETs
get 304 through ConditionalGetMiddleware) and CDN-friendly Cache-Control.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:content-version"
KEPT_HEADERS = ["Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag"]


def content_version():
    """Return the current content version, creating one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_content_version(**kwargs):
    """Make every cached page stale at once. Safe as a signal receiver."""
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        # A cache outage must not block publishing; pages expire by TTL.
        logger.exception("Could not invalidate the page cache")


def seconds_until_next_publication(version):
    """Return seconds until the next scheduled article goes live, or None."""
    from articles.models import Article

    key = f"pagecache:next-publication:{version}"
    next_at = cache.get(key)
    if next_at is None:
        upcoming = (
            Article.objects.filter(
                status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()
            )
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        next_at = upcoming.timestamp() if upcoming else 0
        cache.set(key, next_at, timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
    if not next_at:
        return None
    return next_at - time.time()


def is_anonymous_reader(request):
    """Return True for a request without a signed-in user (no DB query if so)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def _cache_key(request, version):
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"pagecache:page:{version}:{request.method == 'HEAD'}:{digest}"


def _reader_headers(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.NEWSROOM_BROWSER_MAX_AGE,
        s_maxage=settings.NEWSROOM_CDN_MAX_AGE,
        stale_while_revalidate=settings.NEWSROOM_CDN_STALE_SECONDS,
    )
    patch_vary_headers(response, ["Cookie"])
    if not response.has_header("ETag"):
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
    return response


def cache_for_readers(view):
    """Serve a public view from the page cache for anonymous GET requests."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not is_anonymous_reader(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        if not settings.NEWSROOM_PAGE_CACHE:
            return _render_fresh(view, request, args, kwargs)
        try:
            version, key, stored = _lookup(request)
        except Exception:
            logger.exception("Page cache unavailable; rendering without it")
            return _render_fresh(view, request, args, kwargs)
        if stored is not None:
            return _from_stored(stored)
        response = _render_fresh(view, request, args, kwargs)
        if response.status_code == 200 and not response.streaming:
            timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
            until_next = seconds_until_next_publication(version)
            if until_next is not None:
                timeout = min(timeout, max(int(until_next), 0))
            if timeout > 0:
                try:
                    cache.set(key, _to_stored(response), timeout=timeout)
                except Exception:
                    logger.exception("Could not store a page in the cache")
        return response

    return cached_view


_last_version = [None]  # the version this process saw last


def _lookup(request):
    """Return (version, key, stored page or None) in one round trip, usually.

    The page is fetched under the version this process saw last together with
    the current version; only when the version has moved is a second fetch
    needed.
    """
    guess = _last_version[0]
    keys = [VERSION_KEY] + ([_cache_key(request, guess)] if guess else [])
    found = cache.get_many(keys)
    version = found.get(VERSION_KEY)
    if version is None:
        version = content_version()
    _last_version[0] = version
    key = _cache_key(request, version)
    stored = found.get(key) if version == guess else cache.get(key)
    return version, key, stored


def _render_fresh(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if response.status_code == 200 and not response.streaming:
        _reader_headers(response)
    return response


def _to_stored(response):
    headers = {
        name: response[name] for name in KEPT_HEADERS if response.has_header(name)
    }
    headers["ETag"] = response["ETag"]
    headers["Cache-Control"] = response["Cache-Control"]
    headers["Vary"] = response["Vary"]
    return {"content": response.content, "headers": headers}


def _from_stored(stored):
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response

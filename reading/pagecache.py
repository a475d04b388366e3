"""A server-side cache for public pages, exact about what readers may see.

Every cached page is stored under the current *content version*. Any change
that can alter a public page (publishing, unpublishing, editing a live article,
changing a section, tag, author, correction or related link) sets a new content
version, so the next request for every page renders afresh: nothing has to
know which pages showed what (the receivers that set it are in
reading/receivers.py and reading/display.py, connected in reading.apps). No
entry lives past the next scheduled publication, so a scheduled article
appears on cached pages at its second; a page rendered after that second is
stored again at once (`next_publication`).

Readers who are signed in (editors), previews and anything but GET and HEAD
bypass the cache. Cached and fresh responses carry an ETag (conditional GETs
get 304) and CDN-friendly Cache-Control.

Views opt in with `cache_for_readers`; `PageCacheMiddleware` near the top of
the middleware stack looks pages up and stores them, so that a hit skips
sessions, CSRF, authentication, templates and the database altogether.
"""

import hashlib
import logging
import time
from datetime import UTC, datetime
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:content-version"
# Headers that belong to one answer, not to the page.
UNSTORED_HEADERS = {"set-cookie", "date", "x-page-cache"}


def content_version():
    """Return the current content version, creating one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_content_version(**kwargs):
    """Make every cached page stale at once. Safe as a signal receiver.

    The version moves now and again when the transaction commits: a page
    rendered in between, from data not yet committed, would otherwise stay
    cached under the new version.
    """
    _new_content_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_content_version)


def _new_content_version():
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        # A cache outage must not block publishing; pages expire by TTL.
        logger.exception("Could not invalidate the page cache")


def next_publication(version, *, after):
    """Return when the first scheduled article due after `after` goes live,
    in seconds since the epoch, or None if none is scheduled.

    Kept in the cache under the content version (publishing or scheduling an
    article sets a new one) together with the time it was looked up from, and
    looked up again once that publication is past: a page rendered after it
    is stored again at once, under the publication that comes next.
    """
    from articles.models import Article

    key = f"pagecache:next-publication-after:{version}"
    found = cache.get(key)
    if found is not None:
        looked_up_after, next_at = found
        if looked_up_after <= after and (not next_at or after < next_at):
            return next_at or None
    upcoming = Article.objects.next_publication(
        after=datetime.fromtimestamp(after, tz=UTC)
    )
    next_at = upcoming.timestamp() if upcoming else 0
    if found is None or found[0] <= after:
        # Not when another process looked later: its answer stays right.
        cache.set(key, (after, next_at), timeout=settings.NEWSROOM_PAGE_CACHE_SECONDS)
    return next_at or None


# This process's copies of data that only content changes: for each content
# version (the newest two), its copies by name and parts.
_per_version = {}
COPIES_PER_VERSION = 256


# Keys other apps read on most pages (the Popular posts ranking): fetched in
# the same round trip as the content version, once per request.
_read_with_version = []


def read_with_content_version(key):
    """Have `key` fetched together with each request's content version."""
    if key not in _read_with_version:
        _read_with_version.append(key)


def _get_with_version(*keys):
    """Return the cache's values of the version, the keys read with it and `keys`."""
    return cache.get_many([VERSION_KEY, *_read_with_version, *keys])


def _version_in(found):
    """Return the version `_get_with_version()` found, creating one if none."""
    version = found.get(VERSION_KEY)
    return content_version() if version is None else version


def _remember(request, version, found):
    request.content_version = version
    request.read_with_version = {
        key: found[key] for key in _read_with_version if key in found
    }


def request_content_version(request):
    """Return the content version `request` renders under, read only once."""
    version = getattr(request, "content_version", None)
    if version is None:
        found = _get_with_version()
        version = _version_in(found)
        _remember(request, version, found)
    return version


def read_for_request(request, key):
    """Return `key`'s value as read with the request's content version, or
    None if the cache had none. `key` must be one of `read_with_content_version`.
    """
    request_content_version(request)
    return request.read_with_version.get(key)


def per_content_version(name, build, *parts, request=None):
    """Return `build()`, computed once per content version in this process.

    For data shown on every page and changed only by editors (the section
    menu, the rendered Popular posts list): exact, because any such change
    sets a new content version. With `request`, the version it renders under
    is read once for all such data (and not at all after a page-cache miss,
    which read it already). Off (always built) when NEWSROOM_FRAGMENT_CACHE
    is false, and built afresh if the cache is down.
    """
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return build()
    try:
        version = (
            content_version() if request is None else request_content_version(request)
        )
    except Exception:
        logger.exception("Cache unavailable; building %s without it", name)
        return build()
    copies = _per_version.get(version)
    if copies is None:
        # Older versions' copies serve no one; the previous version's may
        # still serve a request that read it just before the change.
        for old in list(_per_version)[:-1]:
            _per_version.pop(old, None)
        copies = _per_version[version] = {}
    try:
        return copies[name, parts]
    except KeyError:
        pass
    value = build()
    if len(copies) >= COPIES_PER_VERSION:
        copies.clear()
    copies[name, parts] = value
    return value


def is_anonymous_reader(request):
    """Return True for a request without a signed-in user (no DB query if so)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def _page_id(request):
    """Name the page a request asks for: its method class and full URL."""
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"{request.method == 'HEAD'}:{digest}"


def _cache_key(page_id, version):
    return f"pagecache:response:{version}:{page_id}"


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
    """Mark a public view's pages for the page cache (see PageCacheMiddleware).

    Anonymous GET and HEAD responses get reader headers (ETag, CDN-friendly
    Cache-Control) and may be stored; anything else is marked private.
    """

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not is_anonymous_reader(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            _reader_headers(response)
            response.page_cache_storable = True
        return response

    cached_view.page_cached = True
    return cached_view


class PageCacheMiddleware:
    """Answer cached pages before the rest of the middleware runs.

    It sits just after SecurityMiddleware and WhiteNoise. A page is stored as
    it leaves the middleware below (with its final headers: CSP, frame
    options, ETag), so a hit costs one cache round trip and no other work;
    SecurityMiddleware still adds its headers to every answer. Only views
    marked with `cache_for_readers` are looked up or stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (
            settings.NEWSROOM_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and _serves_cached_view(
                getattr(request, "urlconf", None) or settings.ROOT_URLCONF,
                request.path_info,
            )
        ):
            return self.get_response(request)
        try:
            page_id = _page_id(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with a 400.
        try:
            version, key, stored, found = _lookup(page_id)
        except Exception:
            logger.exception("Page cache unavailable; rendering without it")
            return self.get_response(request)
        if stored is not None:
            return _from_stored(request, stored)
        _remember(request, version, found)
        # What is live is read while the page renders, from this time on.
        rendered_from = time.time()
        response = self.get_response(request)
        if getattr(response, "page_cache_storable", False) and not response.cookies:
            _store(key, version, response, rendered_from=rendered_from)
        return response


@lru_cache(maxsize=4096)
def _serves_cached_view(urlconf, path):
    try:
        match = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "page_cached", False)


def _store(key, version, response, *, rendered_from):
    """Store a page rendered from `rendered_from` (seconds since the epoch)
    until the first publication after that time, at most."""
    timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
    try:
        next_at = next_publication(version, after=rendered_from)
        if next_at is not None:
            timeout = min(timeout, max(int(next_at - time.time()), 0))
        if timeout > 0:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNSTORED_HEADERS
            ]
            cache.set(key, (headers, response.content), timeout=timeout)
    except Exception:
        logger.exception("Could not store a page in the cache")


_last_version = [None]  # the version this process saw last


def _lookup(page_id):
    """Return (version, key, stored page or None, what was read) in one round
    trip, usually.

    The page is fetched under the version this process saw last together with
    the current version (and the keys read with it); only when the version
    has moved is a second fetch needed.
    """
    guess = _last_version[0]
    found = _get_with_version(*([_cache_key(page_id, guess)] if guess else []))
    version = _version_in(found)
    _last_version[0] = version
    key = _cache_key(page_id, version)
    stored = found.get(key) if version == guess else cache.get(key)
    return version, key, stored, found


def _from_stored(request, stored):
    headers, content = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    if request.method == "GET":
        response = get_conditional_response(
            request, etag=response["ETag"], response=response
        )
    return response

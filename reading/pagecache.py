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

Concurrent misses of one page render it once: the first takes a short lock
in the shared cache, the others get the page's previous copy while it
renders (for at most NEWSROOM_PAGE_STALE_SECONDS after the change that made
it stale) or wait for the new one (as long, at most), then render it
themselves. A previous copy is never served after a change that takes
something off the site (an unpublished article): such a change also moves
the *retraction version*, and a copy is only served stale under the
retraction version it was rendered under. When the database is unreachable,
a page's last copy is served (stale) under the same rule, and a page without
one answers 503 with Retry-After.

When the cache (Redis) is unreachable, pages are rendered without it, and
each place whose cache call failed logs one line every few seconds
(`newsroom.cache.log_cache_error`). A request whose cache call failed does
not try the cache again (`request_content_version` raises at once), and
the data of every page that cannot show an article (the section menu, the
sections) is kept in each process for OUTAGE_COPY_SECONDS at most, while
the cache stays unreachable; whatever shows articles is read again for
each page, through `live()`.
"""

import hashlib
import logging
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.html import escape

from newsroom.background import retried_task
from newsroom.cache import cache_answered, kept_during_outage, log_cache_error
from newsroom.django_private import mark_response_logged

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:content-version"
# Moves with the content version when a change takes something off the site.
RETRACTION_KEY = "pagecache:retraction-version"
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


def bump_content_version(*, retracts=True, **kwargs):
    """Make every cached page stale at once. Safe as a signal receiver.

    The version moves now and again when the transaction commits: a page
    rendered in between, from data not yet committed, would otherwise stay
    cached under the new version.

    Unless `retracts` is False (the change takes nothing off the site: a
    publication, an edit, a related list stored), the retraction version
    moves too, so that no page's previous copy is served while it renders
    again.
    """
    if retracts:
        _new_retraction_version()
    _new_content_version()
    if transaction.get_connection().in_atomic_block:
        if retracts:
            transaction.on_commit(_new_retraction_version)
        transaction.on_commit(_new_content_version)


def _new_content_version():
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        # A cache outage must not block publishing. The pages cached before
        # it are kept under the old version if the cache comes back with its
        # data (a network fault, or Redis with persistence): move it then.
        log_cache_error(logger, "Could not invalidate the page cache")
        _move_versions_later()
    from .purge import content_changed  # Varnish in front too (reading/purge.py)

    content_changed()


def retraction_version():
    """Return the current retraction version, creating one if the cache has none."""
    version = cache.get(RETRACTION_KEY)
    if version is None:
        # A new value: no copy stored before the key was lost may match it.
        cache.add(RETRACTION_KEY, time.time_ns(), timeout=None)
        version = cache.get(RETRACTION_KEY)
    return version


def _new_retraction_version():
    try:
        cache.set(RETRACTION_KEY, time.time_ns(), timeout=None)
    except Exception:
        # _new_content_version() follows, and has them moved later.
        log_cache_error(logger, "Could not invalidate the page cache's previous copies")


MOVE_AGAIN_DELAY = timedelta(seconds=3)


@retried_task(attempts=10, delay=MOVE_AGAIN_DELAY)
def move_versions_again():
    """Move the retraction and content versions (and purge the shared
    caches), for a change that could not while the cache was unreachable.
    Tried again, later each time, for about two minutes."""
    cache.set(RETRACTION_KEY, time.time_ns(), timeout=None)
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    from .purge import content_changed

    content_changed()


def _move_versions_later():
    if transaction.get_connection().in_atomic_block:
        return  # the versions move again on commit, and fail then if they must
    try:
        if not move_versions_again.get_backend().supports_defer:
            return  # it would run now, and meet the same outage
        move_versions_again.using(run_after=timezone.now() + MOVE_AGAIN_DELAY).enqueue()
    except Exception:
        logger.exception("Could not queue moving the page cache's versions")


# Other scheduled changes than articles' (a front-page block's time):
# functions `(after=datetime) -> datetime or None`, set in reading.apps.
_scheduled_changes = []


def also_changes_at(next_time):
    """Have cached pages expire at the times `next_time(after=...)` returns,
    as they do when a scheduled article goes live."""
    if next_time not in _scheduled_changes:
        _scheduled_changes.append(next_time)


def next_publication(version, *, after):
    """Return when the first scheduled article due after `after` goes live
    (or another scheduled change, `also_changes_at`, comes), in seconds since
    the epoch, or None if none is scheduled.

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
    moment = datetime.fromtimestamp(after, tz=UTC)
    times = [
        next_time(after=moment)
        for next_time in [Article.objects.next_publication, *_scheduled_changes]
    ]
    upcoming = [at for at in times if at is not None]
    next_at = min(upcoming).timestamp() if upcoming else 0
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
    """Return the content version `request` renders under, read only once.

    Raise CacheUnavailable, without asking the cache again, if a cache call
    of this request failed already.
    """
    version = getattr(request, "content_version", None)
    if version is None:
        failed = getattr(request, "cache_error", None)
        if failed is not None:
            raise CacheUnavailable("no answer earlier in this request") from failed
        try:
            found = _get_with_version()
            version = _version_in(found)
        except Exception as error:
            request.cache_error = error
            raise
        _remember(request, version, found)
    return version


class CacheUnavailable(Exception):
    """The shared cache did not answer a call made earlier for the request."""


def read_for_request(request, key):
    """Return `key`'s value as read with the request's content version, or
    None if the cache had none. `key` must be one of `read_with_content_version`.
    """
    request_content_version(request)
    return request.read_with_version.get(key)


# While the cache is unreachable, the content version is unknown: data that
# cannot show an article (menus, sections: what readers may see of articles
# is ruled by `live()`, read again for each page) is kept this long (seconds)
# in each process, from when it was built. A change to it made meanwhile
# shows in each process within this time.
OUTAGE_COPY_SECONDS = 5
KEPT_DURING_OUTAGE = {"navigation", "navigation-html", "sections-by-id"}


def per_content_version(name, build, *parts, request=None):
    """Return `build()`, computed once per content version in this process.

    For data shown on every page and changed only by editors (the section
    menu, the rendered Popular posts list): exact, because any such change
    sets a new content version. With `request`, the version it renders under
    is read once for all such data (and not at all after a page-cache miss,
    which read it already). Off (always built) when NEWSROOM_FRAGMENT_CACHE
    is false. If the cache is down, built afresh, or for the names of
    KEPT_DURING_OUTAGE kept OUTAGE_COPY_SECONDS (see above).
    """
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return build()
    try:
        version = (
            content_version() if request is None else request_content_version(request)
        )
    except Exception:
        log_cache_error(logger, "Cache unavailable; page parts built without it")
        if name not in KEPT_DURING_OUTAGE:
            return build()
        key = ("per content version", name, parts)
        return kept_during_outage(key, build, seconds=OUTAGE_COPY_SECONDS)
    cache_answered()  # versions rule again
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

    A miss renders the page once across processes (see the module's
    docstring); a view that cannot reach the database answers 503
    (`process_exception`), or the page's last copy when it may be served.
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
            return _logged(request, self.get_response(request))
        try:
            page_id = _page_id(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with a 400.
        try:
            return self._answer(request, page_id)
        except _CacheUnavailable as unavailable:
            log_cache_error(logger, "Page cache unavailable; rendering without it")
            # The rest of the request does not ask the cache again.
            request.cache_error = unavailable.__cause__
            return _logged(request, self.get_response(request))

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return _database_unavailable(exception)
        return None

    def _answer(self, request, page_id):
        """Serve the page from the cache, or render it: once across processes
        if others ask for it at the same time."""
        deadline = time.monotonic() + settings.NEWSROOM_PAGE_STALE_SECONDS
        asked = None  # the lock last seen held, read again with the next look
        while True:
            try:
                version, retraction, entry, found = _lookup(page_id, asked)
                now = time.time()
                if _is_fresh(entry, version, now):
                    return _from_stored(request, entry, "hit")
                lock = _lock_key(page_id, version)
                # A render that could not be stored (a 404, say) leaves its
                # lock marked: no point waiting for another.
                unstorable = lock == asked and found.get(lock) == UNSTORABLE
                holds = not unstorable and cache.add(
                    lock, RENDERING, timeout=_lock_seconds()
                )
            except Exception as error:
                raise _CacheUnavailable from error
            seen = (version, retraction, entry, found)
            if holds:
                return self._render_holding(request, page_id, lock, *seen)
            if not unstorable and _may_serve_stale(entry, version, retraction, now):
                return _from_stored(request, entry, "stale")
            if unstorable or time.monotonic() >= deadline:
                # Or the renderer is slow or gone: render it here too.
                return self._render(request, page_id, *seen)[0]
            asked = lock
            time.sleep(WAIT_STEP_SECONDS)

    def _render_holding(self, request, page_id, lock, *seen):
        stored = False
        try:
            response, stored = self._render(request, page_id, *seen)
        finally:
            try:
                if stored:
                    cache.delete(lock)
                else:
                    cache.set(lock, UNSTORABLE, timeout=_lock_seconds())
            except Exception:
                log_cache_error(logger, "Could not release a page's render lock")
        return response

    def _render(self, request, page_id, version, retraction, entry, found):
        """Return the page's response, and whether it was stored."""
        _remember(request, version, found)
        # What is live is read while the page renders, from this time on.
        rendered_from = time.time()
        response = self.get_response(request)
        if hasattr(response, "database_error"):
            if _may_serve_on_error(entry, retraction):
                _log_database_error(request, response.database_error, "its last copy")
                return _from_stored(request, entry, "stale"), False
            return _logged(request, response), False
        if getattr(response, "page_cache_storable", False) and not response.cookies:
            return response, _store(
                page_id, version, retraction, response, rendered_from=rendered_from
            )
        return response, False


class _CacheUnavailable(Exception):
    pass


@lru_cache(maxsize=4096)
def _serves_cached_view(urlconf, path):
    try:
        match = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "page_cached", False)


# A page's entry: (content version, retraction version, fresh until (seconds
# since the epoch), headers, content), kept NEWSROOM_PAGE_STALE_IF_ERROR_SECONDS
# after it was stored: fresh until the next publication or
# NEWSROOM_PAGE_CACHE_SECONDS, its page's last copy after that.
VERSION, RETRACTION, FRESH_UNTIL, HEADERS, CONTENT = range(5)

# The value of a page's render lock while it renders, and after a render
# that could not be stored.
RENDERING, UNSTORABLE = 1, 2
WAIT_STEP_SECONDS = 0.02


def _lock_seconds():
    return max(1, settings.NEWSROOM_PAGE_STALE_SECONDS)


def _page_key(page_id):
    return f"pagecache:page:{page_id}"


def _lock_key(page_id, version):
    return f"pagecache:rendering:{version}:{page_id}"


def _store(page_id, version, retraction, response, *, rendered_from):
    """Store a page rendered from `rendered_from` (seconds since the epoch),
    fresh until the first publication after that time, at most. Return True
    if it was stored."""
    try:
        fresh_until = time.time() + settings.NEWSROOM_PAGE_CACHE_SECONDS
        next_at = next_publication(version, after=rendered_from)
        if next_at is not None:
            fresh_until = min(fresh_until, next_at)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        entry = (version, retraction, fresh_until, headers, response.content)
        cache.set(
            _page_key(page_id),
            entry,
            timeout=settings.NEWSROOM_PAGE_STALE_IF_ERROR_SECONDS,
        )
    except Exception:
        log_cache_error(logger, "Could not store a page in the cache")
        return False
    return True


def _lookup(page_id, *keys):
    """Return (version, retraction version, the page's entry or None, what
    was read), in one round trip; `keys` are read with them."""
    key = _page_key(page_id)
    found = _get_with_version(RETRACTION_KEY, key, *filter(None, keys))
    retraction = found.get(RETRACTION_KEY)
    if retraction is None:
        retraction = retraction_version()
    return _version_in(found), retraction, found.get(key), found


def _is_fresh(entry, version, now):
    return entry is not None and entry[VERSION] == version and now < entry[FRESH_UNTIL]


def _may_serve_stale(entry, version, retraction, now):
    """Return True if `entry` may be served while the page renders again:
    nothing was taken off the site since it was rendered, and the change that
    made it stale is at most NEWSROOM_PAGE_STALE_SECONDS old."""
    if not _may_serve_on_error(entry, retraction):
        return False
    if entry[VERSION] == version:
        stale_since = entry[FRESH_UNTIL]  # a publication's time came, or its age
    elif isinstance(version, int):
        stale_since = version / 1e9  # versions are set to the time of the change
    else:
        return False
    # Clocks of app servers agree to well under this bound (NTP).
    return abs(now - stale_since) <= settings.NEWSROOM_PAGE_STALE_SECONDS


def _may_serve_on_error(entry, retraction):
    """Return True if `entry` may be served when the page can't be rendered:
    nothing was taken off the site since it was rendered."""
    return (
        entry is not None and retraction is not None and entry[RETRACTION] == retraction
    )


def _from_stored(request, entry, how):
    response = HttpResponse(entry[CONTENT])
    for name, value in entry[HEADERS]:
        response[name] = value
    response["X-Page-Cache"] = how
    if how == "stale":
        # Not for browsers or a CDN to keep: the fresh page comes next.
        response["Cache-Control"] = "no-store"
    if request.method == "GET":
        response = get_conditional_response(
            request, etag=response["ETag"], response=response
        )
    return response


# Seconds readers are asked to wait when the database can't be reached.
RETRY_AFTER_SECONDS = 5


def _database_unavailable(error):
    """Return the 503 answered when the database can't be reached."""
    site = escape(settings.NEWSROOM_SITE_NAME)
    response = HttpResponse(
        '<!doctype html>\n<html lang="en"><meta charset="utf-8">'
        f"<title>Temporarily unavailable · {site}</title>"
        f"<h1>{site} is temporarily unavailable</h1>"
        "<p>Please try again in a few seconds.</p></html>\n",
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response.database_error = error
    return response


def server_error(request):
    """The site's handler500: an error that is a database out of reach, met
    anywhere (a 404 page's menu, a middleware's lookup), is a 503 to try
    again in a few seconds, not a server error."""
    from django.views.defaults import server_error as django_server_error

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return _database_unavailable(error)
    return django_server_error(request)


def _logged(request, response):
    """Log a database error's answer as one line (and not again as a 503)."""
    error = getattr(response, "database_error", None)
    if error is not None:
        _log_database_error(request, error, "503")
        mark_response_logged(response)
    return response


def _log_database_error(request, error, answer):
    logger.error(
        "Database unavailable (%s: %s); answered %s %s with %s",
        type(error).__name__,
        str(error).strip().replace("\n", " "),
        request.method,
        request.path,
        answer,
    )

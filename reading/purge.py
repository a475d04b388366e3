"""Purge the shared HTTP caches in front of the site (Varnish) exactly.

The server-side page cache (reading/pagecache.py) drops every page when the
*content version* moves; a shared cache in front must drop them at the same
moment, or it would go on serving a retracted article for its `s-maxage`.
So each new content version sends, to every cache of `NEWSROOM_HTTP_CACHES`,

    BAN / HTTP/1.1
    X-Cache-Tags: newsroom-pages

which deploy/varnish/default.vcl turns into a ban of every object tagged
`newsroom-pages`: every page the application marked cacheable (static files
and media, whose names change with their content, are kept). Pages carry
their tags (`CacheTagsMiddleware`) as `Surrogate-Key` (Varnish, Fastly) and
`Cache-Tag` (Cloudflare, Akamai).

A purge never fails an editor's save: a cache that does not answer within
`NEWSROOM_HTTP_CACHE_TIMEOUT` is logged in one line, tried again later by a
task when the task backend can defer, and left alone for a second (saves
in that second do not wait for it again; the task covers them).

Inside a transaction nothing is sent: bump_content_version() moves the
version again when it commits, and that is when the ban must go out, after
the change is visible to the renders the cache will make next.
"""

import logging
import time
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control

from newsroom.background import retried_task
from newsroom.cache import log_cache_error

from .pagecache import VERSION_KEY, next_publication, request_content_version

logger = logging.getLogger(__name__)

# The tag of every page the application marks cacheable.
PAGES_TAG = "newsroom-pages"
# A cache that failed is left alone this long (seconds) by this process.
QUIET_AFTER_FAILURE = 1.0
RETRY_DELAY = timedelta(seconds=10)

_failed_at = {}  # cache URL -> time.monotonic() of its last failure


def content_changed():
    """Ban every page from the shared HTTP caches, unless in a transaction.

    Called by reading.pagecache when the content version moves. Never raises.
    """
    if not settings.NEWSROOM_HTTP_CACHES:
        return
    if transaction.get_connection().in_atomic_block:
        return  # the version moves again on commit, and this is called then
    for cache_url in settings.NEWSROOM_HTTP_CACHES:
        failed_at = _failed_at.get(cache_url)
        if failed_at is not None and time.monotonic() - failed_at < QUIET_AFTER_FAILURE:
            continue
        try:
            ban(cache_url, PAGES_TAG)
        except Exception as error:  # refused, timed out, refused by its acl
            _failed_at[cache_url] = time.monotonic()
            logger.warning("Could not purge the HTTP cache %s: %s", cache_url, error)
            _retry_later(cache_url)
        else:
            _failed_at.pop(cache_url, None)


def ban(cache_url, tag):
    """Ask the cache at `cache_url` to ban every object tagged `tag`.

    Raises OSError (urllib's errors are ones) when it cannot.
    """
    request = urllib.request.Request(  # noqa: S310 (the operator's http(s) URLs)
        cache_url.rstrip("/") + "/",
        method="BAN",
        headers={"X-Cache-Tags": tag, "User-Agent": "newsroom-purge"},
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=settings.NEWSROOM_HTTP_CACHE_TIMEOUT
    ) as response:
        response.read()


@retried_task(attempts=3, delay=RETRY_DELAY)
def ban_again(cache_url, tag):
    ban(cache_url, tag)


def _retry_later(cache_url):
    try:
        backend = ban_again.get_backend()
        if not backend.supports_defer:
            return  # it would run now, in the editor's request, and fail again
        ban_again.using(run_after=timezone.now() + RETRY_DELAY).enqueue(
            cache_url, PAGES_TAG
        )
    except Exception:
        logger.exception("Could not queue a purge of %s", cache_url)


def cache_tags(response):
    """Return the tags of a cacheable response: every page's, and its article's."""
    tags = [PAGES_TAG]
    article = (getattr(response, "context_data", None) or {}).get("article")
    if article is not None and getattr(article, "pk", None) is not None:
        tags.append(f"article-{article.pk}")
    return tags


_next_publication = [None]  # (content version, looked up after, next or None)


def _next_publication_after(request, moment):
    """Return `next_publication()` for the request's content version, kept in
    this process while it stays the answer (no cache round trip per page)."""
    version = request_content_version(request)
    known = _next_publication[0]
    if known is not None:
        known_version, looked_up_after, next_at = known
        if (
            known_version == version
            and looked_up_after <= moment
            and (next_at is None or moment < next_at)
        ):
            return next_at
    next_at = next_publication(version, after=moment)
    _next_publication[0] = (version, moment, next_at)
    return next_at


class CacheTagsMiddleware:
    """Tag the pages shared caches may store, for purges.

    Sits just below PageCacheMiddleware, so that a page is stored with its
    tags and a page-cache hit costs nothing more. Adds `Surrogate-Key`
    (space-separated) and `Cache-Tag` (comma-separated) to pages marked for
    readers (`cache_for_readers`), and `X-Expires-At`, the second (since the
    epoch) at which the next scheduled article goes live, when one is
    scheduled: a shared cache must not keep the page past it. A page whose
    content version moved while it rendered gets `s-maxage=0`: the purge
    of that change may have reached the shared caches before the page.
    Both only with NEWSROOM_HTTP_CACHES (shared caches that are purged).
    On a page-cache miss this costs one cache round trip (the page's
    render costs far more); a hit costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rendered_from = time.time()
        response = self.get_response(request)
        if getattr(response, "page_cache_storable", False):
            tags = cache_tags(response)
            response["Surrogate-Key"] = " ".join(tags)
            response["Cache-Tag"] = ",".join(tags)
            if not settings.NEWSROOM_HTTP_CACHES:
                return response  # no shared cache is purged: nothing to keep exact
            try:
                rendered_under = request_content_version(request)
                next_at = _next_publication_after(request, rendered_from)
                changed = cache.get(VERSION_KEY) != rendered_under
            except Exception:
                # Cache down: the next publication is unknown. Bans still
                # reach the shared caches; they keep the page a second.
                log_cache_error(
                    logger,
                    "No content version for shared caches",
                    level=logging.WARNING,
                )
                patch_cache_control(response, s_maxage=1)
                return response
            if changed:
                # The content changed while the page rendered, and its purge
                # may have reached the shared caches before this page does:
                # they must not keep it.
                patch_cache_control(response, s_maxage=0)
            elif next_at is not None:
                response["X-Expires-At"] = f"{next_at:.3f}"
        return response

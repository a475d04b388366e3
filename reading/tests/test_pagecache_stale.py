"""Concurrent misses render a page once; a page's previous copy is served
while it renders, or while the database is down, but never after a
retraction."""

import threading
import time
from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from articles.testing import make_article
from newsroom.redis_testing import needs_redis, redis_caches
from reading import pagecache
from reading.pagecache import (
    RETRACTION_KEY,
    PageCacheMiddleware,
    bump_content_version,
    content_version,
    retraction_version,
)

from .test_pagecache import LOCAL_CACHE, PageCacheFixtures

REDIS_URL = "redis://127.0.0.1:6379/11"

DATABASE_DOWN = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
    side_effect=OperationalError("connection refused"),
)


def hold_render_lock(path):
    """Take the render lock of `path` under the current version, as another
    process rendering it would."""
    request = RequestFactory().get(path)
    lock = pagecache._lock_key(pagecache._page_id(request), content_version())
    assert cache.add(lock, pagecache.RENDERING, timeout=60)
    return lock


class StaleCopyMixin(PageCacheFixtures):
    def pages(self):
        return ["/", "/world/", "/tag/china/", "/author/mara-lindqvist/"]


@override_settings(NEWSROOM_PAGE_CACHE=True, CACHES=LOCAL_CACHE)
class RenderOnceTests(StaleCopyMixin, TestCase):
    def test_while_a_page_renders_others_get_its_previous_copy(self):
        self.warm(self.pages())
        retraction = retraction_version()
        self.publish_new_story()
        self.assertEqual(retraction_version(), retraction)  # nothing retracted
        for path in self.pages():
            with self.subTest(path=path):
                hold_render_lock(path)
                with self.assertNumQueries(0):
                    stale = self.client.get(path)
                self.assertEqual(stale.status_code, 200)
                self.assertEqual(stale["X-Page-Cache"], "stale")
                self.assertEqual(stale["Cache-Control"], "no-store")
                self.assertNotContains(stale, "Breaking China news")

    def test_the_new_page_is_served_once_rendered(self):
        self.warm(["/"])
        self.publish_new_story()
        lock = hold_render_lock("/")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "stale")
        cache.delete(lock)  # the renderer died: the next reader renders
        fresh = self.client.get("/")
        self.assertNotIn("X-Page-Cache", fresh)
        self.assertContains(fresh, "Breaking China news")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")

    @override_settings(NEWSROOM_PAGE_STALE_SECONDS=1)
    def test_after_an_unpublish_no_previous_copy_is_served(self):
        pages = [*self.pages(), self.story.get_absolute_url()]
        self.warm(pages)
        retraction = retraction_version()
        self.story.unpublish()
        self.assertNotEqual(retraction_version(), retraction)
        for path in pages:
            with self.subTest(path=path):
                hold_render_lock(path)  # another request renders it...
                # ...and this one waits for it, then renders it itself.
                response = self.client.get(path)
                self.assertNotEqual(response.get("X-Page-Cache"), "stale")
                self.assertNotIn(b"Talks begin in Beijing", response.content)
        self.assertEqual(
            self.client.get(self.story.get_absolute_url()).status_code, 404
        )

    def test_retractions_move_the_retraction_version_and_other_changes_do_not(
        self,
    ):
        changes = {
            "published": (self.publish_new_story, False),
            "edited": (lambda: _save(self.other, headline="Edited"), False),
            "author renamed": (lambda: _save(self.author, name="M. L."), False),
            "moved to a later time": (
                lambda: _save(
                    self.other,
                    publish_at=self.other.publish_at + timedelta(days=3),
                ),
                True,
            ),
            "unpublished": (self.story.unpublish, True),
            "deleted": (lambda: make_article("Doomed").delete(), True),
            "byline removed": (
                lambda: self.story.bylines.all().delete(),
                True,
            ),
        }
        for name, (change, retracts) in changes.items():
            with self.subTest(change=name):
                version, retraction = content_version(), retraction_version()
                change()
                self.assertNotEqual(content_version(), version)
                self.assertIs(retraction_version() != retraction, retracts)

    def test_a_retraction_moves_again_when_it_commits(self):
        # A page rendered before the commit still shows the article: its copy
        # must not match the retraction version once the change is committed.
        with self.captureOnCommitCallbacks(execute=True):
            self.story.unpublish()
            during_transaction = retraction_version()
        self.assertNotEqual(retraction_version(), during_transaction)

    def test_a_lost_retraction_version_matches_no_copy(self):
        self.warm(["/"])
        self.publish_new_story()
        cache.delete(RETRACTION_KEY)  # evicted, or Redis restarted empty
        hold_render_lock("/")
        with self.settings(NEWSROOM_PAGE_STALE_SECONDS=1):
            response = self.client.get("/")
        self.assertNotEqual(response.get("X-Page-Cache"), "stale")
        self.assertContains(response, "Breaking China news")

    def test_a_render_that_is_not_stored_lets_waiting_readers_render(self):
        path = "/world/no-such-story-2020-01-01/"
        # The renderer got a 404, which is not stored, and marked its lock:
        # readers waiting for it render at once instead of waiting.
        request = RequestFactory().get(path)
        lock = pagecache._lock_key(pagecache._page_id(request), content_version())
        cache.set(lock, pagecache.UNSTORABLE, 60)
        started = time.monotonic()
        self.assertEqual(self.client.get(path).status_code, 404)
        self.assertLess(time.monotonic() - started, 1)


@override_settings(NEWSROOM_PAGE_CACHE=True, CACHES=LOCAL_CACHE)
class DatabaseDownTests(StaleCopyMixin, TestCase):
    def test_cached_pages_are_served_without_the_database(self):
        self.warm(self.pages())
        with self.assertNumQueries(0), DATABASE_DOWN:
            for path in self.pages():
                with self.subTest(path=path):
                    hit = self.client.get(path)
                    self.assertEqual(hit["X-Page-Cache"], "hit")
                    self.assertContains(hit, "Talks begin in Beijing")

    def test_a_page_that_changed_is_served_from_its_last_copy(self):
        self.warm(self.pages())
        bump_content_version(retracts=False)
        with DATABASE_DOWN:
            for path in self.pages():
                with self.subTest(path=path):
                    with self.assertLogs("reading.pagecache", "ERROR") as logs:
                        stale = self.client.get(path)
                    self.assertEqual(stale.status_code, 200)
                    self.assertEqual(stale["X-Page-Cache"], "stale")
                    self.assertContains(stale, "Talks begin in Beijing")
                    [line] = logs.output
                    self.assertIn("Database unavailable (OperationalError", line)
                    self.assertIn(f"GET {path} with its last copy", line)

    def test_the_last_copy_is_served_long_after_the_change(self):
        self.warm(["/"])
        bump_content_version(retracts=False)
        later = time.time() + 600
        with (
            DATABASE_DOWN,
            mock.patch("time.time", return_value=later),
            self.assertLogs("reading.pagecache", "ERROR"),
        ):
            self.assertEqual(self.client.get("/")["X-Page-Cache"], "stale")

    def test_an_uncached_page_is_a_503_with_retry_after_logged_once(self):
        with DATABASE_DOWN, self.assertLogs(level="INFO") as logs:
            response = self.client.get("/world/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertContains(response, "temporarily unavailable", status_code=503)
        self.assertEqual(len(logs.records), 1, logs.output)
        self.assertIn("answered GET /world/ with 503", logs.output[0])
        # Nothing was stored: the next reader renders the page.
        again = self.client.get("/world/")
        self.assertEqual(again.status_code, 200)
        self.assertNotIn("X-Page-Cache", again)

    def test_after_an_unpublish_pages_are_503_not_their_last_copy(self):
        pages = [*self.pages(), self.story.get_absolute_url()]
        self.warm(pages)
        self.story.unpublish()
        with DATABASE_DOWN:
            for path in pages:
                with self.subTest(path=path):
                    with self.assertLogs("reading.pagecache", "ERROR"):
                        response = self.client.get(path)
                    self.assertEqual(response.status_code, 503)

    def test_other_pages_are_503_too_never_500(self):
        for path in ["/api/v1/articles/", "/search/?q=china"]:
            with self.subTest(path=path), DATABASE_DOWN:
                with self.assertLogs("reading.pagecache", "ERROR"):
                    response = self.client.get(path)
                self.assertEqual(response.status_code, 503)
                self.assertIn("Retry-After", response)

    @override_settings(NEWSROOM_PAGE_CACHE=False)
    def test_without_the_page_cache_it_is_a_503(self):
        with DATABASE_DOWN, self.assertLogs("reading.pagecache", "ERROR"):
            self.assertEqual(self.client.get("/").status_code, 503)


@override_settings(
    NEWSROOM_PAGE_CACHE=True, NEWSROOM_PAGE_STALE_SECONDS=30, CACHES=LOCAL_CACHE
)
class ConcurrentMissTests(SimpleTestCase):
    """N readers ask for one uncached page at once: it is rendered once."""

    readers = 8

    def setUp(self):
        cache.clear()
        self.renders = []
        self.release = threading.Event()

    def render(self, request):
        self.renders.append(request)
        self.release.wait(10)
        response = HttpResponse(b"<p>The page</p>")
        response["ETag"] = '"page"'
        response.page_cache_storable = True
        return response

    def test_concurrent_misses_render_the_page_once(self):
        middleware = PageCacheMiddleware(self.render)
        waiting = threading.Semaphore(0)
        add = LocMemCache.add

        # Each thread has a cache object of its own (one storage).
        def counted_add(backend, *args, **kwargs):
            taken = add(backend, *args, **kwargs)
            if not taken:
                waiting.release()  # a reader found the page being rendered
            return taken

        answers = []

        def read():
            answers.append(middleware(RequestFactory().get("/")))

        with (
            mock.patch.object(pagecache, "next_publication", return_value=None),
            mock.patch.object(LocMemCache, "add", counted_add),
        ):
            threads = [threading.Thread(target=read) for _ in range(self.readers)]
            for thread in threads:
                thread.start()
            for _ in range(self.readers - 1):
                self.assertTrue(waiting.acquire(timeout=10))
            self.release.set()
            for thread in threads:
                thread.join(10)
        self.assertEqual(len(self.renders), 1)
        self.assertEqual(len(answers), self.readers)
        self.assertEqual(
            sorted(answer.get("X-Page-Cache", "rendered") for answer in answers),
            ["hit"] * (self.readers - 1) + ["rendered"],
        )
        self.assertEqual({answer.content for answer in answers}, {b"<p>The page</p>"})


@override_settings(NEWSROOM_PAGE_STALE_SECONDS=2)
class StalenessBoundTests(SimpleTestCase):
    """How long after a change a page's previous copy may be served."""

    def entry(self, version, *, retraction=1, fresh_until=0):
        return (version, retraction, fresh_until, [], b"")

    def test_a_previous_copy_serves_for_the_bound_after_the_change(self):
        now = time.time()
        changed = int((now - 1) * 1e9)
        self.assertIs(pagecache._may_serve_stale(self.entry(5), changed, 1, now), True)
        long_ago = int((now - 3) * 1e9)
        self.assertIs(
            pagecache._may_serve_stale(self.entry(5), long_ago, 1, now), False
        )

    def test_an_expired_copy_serves_for_the_bound_after_it_expired(self):
        now = time.time()
        for expired, allowed in [(now - 1, True), (now - 3, False)]:
            with self.subTest(expired=expired):
                entry = self.entry(5, fresh_until=expired)
                self.assertIs(pagecache._may_serve_stale(entry, 5, 1, now), allowed)

    def test_never_after_a_retraction(self):
        now = time.time()
        changed = int(now * 1e9)
        entry = self.entry(5, retraction=1)
        self.assertIs(pagecache._may_serve_stale(entry, changed, 2, now), False)
        self.assertIs(pagecache._may_serve_on_error(entry, 2), False)
        self.assertIs(pagecache._may_serve_on_error(entry, None), False)


@needs_redis(REDIS_URL)
@override_settings(
    NEWSROOM_PAGE_CACHE=True,
    CACHES=redis_caches(REDIS_URL, "newsroom-pagecache-stale-tests"),
)
class RedisRenderOnceTests(StaleCopyMixin, TestCase):
    """The render lock and the copies are shared by app servers through Redis."""

    def test_a_page_rendered_elsewhere_is_served_stale_then_fresh(self):
        self.warm(["/"])
        self.publish_new_story()
        lock = hold_render_lock("/")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "stale")
        cache.delete(lock)
        self.assertContains(self.client.get("/"), "Breaking China news")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")

    def test_the_database_down_serves_copies_and_503s(self):
        self.warm(["/"])
        bump_content_version(retracts=False)
        with DATABASE_DOWN, self.assertLogs("reading.pagecache", "ERROR"):
            self.assertEqual(self.client.get("/")["X-Page-Cache"], "stale")
            self.assertEqual(self.client.get("/world/").status_code, 503)


def _save(instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()

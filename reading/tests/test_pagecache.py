import time
from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article, Correction
from articles.testing import make_article, make_author, make_section
from newsroom.redis_testing import needs_redis
from reading import pagecache
from reading.pagecache import (
    VERSION_KEY,
    bump_content_version,
    content_version,
    per_content_version,
)
from related import counting
from related.models import CuratedLink, DailyViewCount

REDIS_URL = "redis://127.0.0.1:6379/11"


LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pagecache-tests",
    }
}


class PageCacheFixtures:
    """A section, an author, two live articles tagged China; an empty cache."""

    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.story = make_article(
            "Talks begin in Beijing",
            section=cls.world,
            tags=["China"],
            authors=[cls.author],
            age=timedelta(days=1),
        )
        cls.other = make_article(
            "Second China story", section=cls.world, tags=["China"]
        )

    def setUp(self):
        cache.clear()

    def warm(self, paths):
        for path in paths:
            self.client.get(path)
            self.assertEqual(self.client.get(path)["X-Page-Cache"], "hit", path)

    def publish_new_story(self):
        fresh = make_article(
            "Breaking China news",
            section=self.world,
            tags=["China"],
            authors=[self.author],
            status=Article.Status.DRAFT,
        )
        with self.captureOnCommitCallbacks(execute=True):
            fresh.publish()
        return fresh


@override_settings(NEWSROOM_PAGE_CACHE=True, CACHES=LOCAL_CACHE)
class PageCacheTests(PageCacheFixtures, TestCase):
    def pages(self):
        return [
            "/",
            "/world/",
            "/tag/china/",
            "/author/mara-lindqvist/",
            "/feed/",
            "/sitemap-articles.xml",
            self.other.get_absolute_url(),  # its related widget
        ]

    def test_second_request_is_served_from_the_cache_without_queries(self):
        url = self.story.get_absolute_url()
        first = self.client.get(url)
        self.assertNotIn("X-Page-Cache", first)
        with self.assertNumQueries(0):
            second = self.client.get(url)
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["ETag"], first["ETag"])
        self.assertIn("Content-Security-Policy", second)

    def test_a_hit_carries_the_headers_of_the_page_it_stores(self):
        url = self.story.get_absolute_url()
        first = self.client.get(url)
        hit = self.client.get(url)
        self.assertEqual(hit["X-Page-Cache"], "hit")
        for header in [
            "Content-Type",
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cache-Control",
            "Vary",
        ]:
            with self.subTest(header=header):
                self.assertEqual(hit[header], first[header])
        self.assertNotIn("Set-Cookie", hit)

    def test_pages_not_marked_for_the_cache_are_never_served_from_it(self):
        for path in ["/robots.txt", "/api/v1/articles", "/favicon.ico"]:
            with self.subTest(path=path):
                self.client.get(path)
                self.assertNotIn("X-Page-Cache", self.client.get(path))

    def test_a_host_not_allowed_is_a_400_and_no_cache_error(self):
        with self.assertNoLogs("reading.pagecache"):
            response = self.client.get("/", HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)

    def test_cache_control_suits_a_cdn_and_conditional_get_gives_304(self):
        response = self.client.get("/")
        control = response["Cache-Control"]
        for part in ["public", "s-maxage=30", "stale-while-revalidate=30"]:
            self.assertIn(part, control)
        again = self.client.get("/", HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")

    def test_publishing_shows_the_article_everywhere_on_the_next_request(self):
        self.warm(self.pages())
        fresh = self.publish_new_story()
        for path in self.pages():
            with self.subTest(path=path):
                # Every page links to it; the sitemap shows only its address.
                self.assertContains(self.client.get(path), fresh.get_absolute_url())

    def test_unpublishing_removes_the_article_everywhere_at_once(self):
        self.warm([*self.pages(), self.story.get_absolute_url()])
        self.story.unpublish()
        self.assertEqual(
            self.client.get(self.story.get_absolute_url()).status_code, 404
        )
        for path in self.pages():
            with self.subTest(path=path):
                self.assertNotContains(self.client.get(path), "Talks begin in Beijing")

    def test_editing_a_live_article_refreshes_pages_that_show_it(self):
        self.warm([*self.pages(), self.story.get_absolute_url()])
        self.story.headline = "Talks resume in Beijing"
        self.story.save()
        shown = [p for p in self.pages() if "sitemap" not in p]
        for path in [*shown, self.story.get_absolute_url()]:
            with self.subTest(path=path):
                self.assertContains(self.client.get(path), "Talks resume in Beijing")

    def test_searches_are_cached_and_see_a_new_article_at_once(self):
        url = "/search/?q=beijing"
        self.client.get(url)
        hit = self.client.get(url)
        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertEqual(hit["X-Robots-Tag"], "noindex, follow")
        fresh = make_article(
            "Beijing hosts a second round",
            section=self.world,
            status=Article.Status.DRAFT,
        )
        with self.captureOnCommitCallbacks(execute=True):
            fresh.publish()
        # The result shows the headline with the matched word highlighted.
        self.assertContains(self.client.get(url), "hosts a second round")

    def test_the_version_moves_again_when_the_change_commits(self):
        # A page rendered between the change and its commit shows the old
        # data: it must not stay cached under the version the change set.
        with self.captureOnCommitCallbacks(execute=True):
            _save(self.author, name="Mara L.")
            during_transaction = content_version()
        self.assertNotEqual(content_version(), during_transaction)

    def test_editing_a_draft_keeps_the_cache(self):
        self.warm(["/"])
        make_article("Quiet draft", section=self.world, status=Article.Status.DRAFT)
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")

    def test_section_tag_author_correction_and_related_changes_refresh(self):
        url = self.story.get_absolute_url()
        changes = {
            "section renamed": (
                lambda: (
                    self.world.__class__.objects.filter(pk=self.world.pk)
                    and _save(self.world, name="International")
                ),
                "International",
            ),
            "author renamed": (lambda: _save(self.author, name="Mara L."), "Mara L."),
            "tag renamed": (
                lambda: _save(self.story.tags.get(), name="People's Republic"),
                "People&#x27;s Republic",
            ),
            "correction added": (
                lambda: Correction.objects.create(
                    article=self.story, text="An earlier version misspelt a name."
                ),
                "misspelt a name",
            ),
        }
        for name, (change, expected) in changes.items():
            with self.subTest(change=name):
                self.warm([url])
                change()
                self.assertContains(self.client.get(url), expected)
        self.warm([self.other.get_absolute_url()])
        third = make_article("Hand-picked piece", section=make_section("Sport"))
        with self.captureOnCommitCallbacks(execute=True):
            CuratedLink.objects.create(article=self.other, target=third)
        self.assertContains(
            self.client.get(self.other.get_absolute_url()), "Hand-picked"
        )

    def test_scheduled_article_appears_on_cached_pages_at_its_second(self):
        publish_at = timezone.now() + timedelta(seconds=90)
        make_article("Embargoed story", section=self.world, publish_at=publish_at)
        start = time.time()
        self.warm(["/", "/world/"])
        late = publish_at + timedelta(seconds=1)
        with (
            mock.patch("django.utils.timezone.now", return_value=late),
            mock.patch("time.time", return_value=start + 91),
        ):
            for path in ["/", "/world/"]:
                with self.subTest(path=path):
                    self.assertContains(self.client.get(path), "Embargoed story")

    def test_pages_are_cached_until_a_publication_and_again_at_once_after_it(self):
        publish_at = timezone.now() + timedelta(seconds=100)
        make_article("Embargoed story", section=self.world, publish_at=publish_at)
        start = time.time()

        def at(seconds):
            return (
                mock.patch(
                    "django.utils.timezone.now",
                    return_value=publish_at + timedelta(seconds=seconds),
                ),
                mock.patch("time.time", return_value=start + 100 + seconds),
            )

        self.warm(["/world/"])
        before, before_time = at(-1)
        with before, before_time:
            hit = self.client.get("/world/")
        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertNotContains(hit, "Embargoed story")
        # Its second has come: the page stored before it has expired, and the
        # page rendered now is stored at once (not after the page cache's
        # timeout).
        after, after_time = at(1)
        with after, after_time:
            fresh = self.client.get("/world/")
            again = self.client.get("/world/")
        self.assertNotIn("X-Page-Cache", fresh)
        self.assertContains(fresh, "Embargoed story")
        self.assertEqual(again["X-Page-Cache"], "hit")

    def test_signed_in_editors_and_posts_bypass_the_cache(self):
        self.warm(["/"])
        editor = get_user_model().objects.create_superuser("ed", password="pw-12345678")
        self.client.force_login(editor)
        response = self.client.get("/")
        self.assertNotIn("X-Page-Cache", response)
        self.assertIn("private", response["Cache-Control"])
        self.client.logout()
        posted = self.client.post(self.story.get_absolute_url())
        self.assertNotIn("X-Page-Cache", posted)

    def test_query_strings_are_cached_apart(self):
        for n in range(25):
            make_article(f"Filler {n}", section=self.world)
        page_one = self.client.get("/world/")
        page_two = self.client.get("/world/", {"page": 2})
        self.assertNotEqual(page_one.content, page_two.content)
        self.assertEqual(self.client.get("/world/", {"page": 2})["X-Page-Cache"], "hit")

    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "newsroom.cache.SharedClientRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
    )
    def test_pages_render_when_the_cache_server_is_down(self):
        with self.assertLogs("reading.pagecache", level="ERROR"):
            response = self.client.get(self.story.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Talks begin in Beijing")


def _save(instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()


@needs_redis(REDIS_URL)
@override_settings(
    NEWSROOM_PAGE_CACHE=True,
    CACHES={
        "default": {
            "BACKEND": "newsroom.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-pagecache-tests",
        }
    },
)
class RedisPageCacheTests(TestCase):
    """The page cache shared by app servers: Redis, as in production."""

    def setUp(self):
        cache.clear()

    def test_pages_are_shared_and_invalidated_through_redis(self):
        article = make_article("Shared story", section=make_section("World"))
        url = article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
        article.unpublish()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get("/"), "Shared story")


@override_settings(NEWSROOM_FRAGMENT_CACHE=True, CACHES=LOCAL_CACHE)
class PerContentVersionTests(TestCase):
    """Copies kept per content version: built once, dropped when stale."""

    def setUp(self):
        cache.clear()
        self.builds = []

    def copy(self, name, *parts):
        return per_content_version(
            name, lambda: self.builds.append(name) or len(self.builds), *parts
        )

    def test_built_once_per_version_and_parts(self):
        self.assertEqual(self.copy("menu"), self.copy("menu"))
        self.copy("menu", "footer")
        self.assertEqual(self.builds, ["menu", "menu"])
        bump_content_version()
        self.copy("menu")
        self.assertEqual(self.builds, ["menu", "menu", "menu"])

    def test_only_the_newest_two_versions_are_kept(self):
        for _ in range(5):
            self.copy("menu")
            bump_content_version()
        self.copy("menu")
        self.assertEqual(len(pagecache._per_version), 2)
        self.assertEqual(list(pagecache._per_version)[-1], content_version())

    def test_a_full_version_starts_over_without_touching_the_newest_copies(self):
        with mock.patch.object(pagecache, "COPIES_PER_VERSION", 3):
            for ranking in range(3):
                self.copy("popular", ranking)
            self.copy("menu")  # the fourth copy: the version's copies start over
            self.copy("menu")
            self.copy("popular", 2)
        self.assertEqual(self.builds, ["popular"] * 3 + ["menu", "popular"])


@override_settings(CACHES=LOCAL_CACHE)
class NextPublicationTests(TestCase):
    """How long a page may be stored: until the first publication after the
    time it was rendered from."""

    def setUp(self):
        cache.clear()
        self.first = timezone.now() + timedelta(seconds=60)
        self.second = self.first + timedelta(seconds=60)
        for publish_at in (self.first, self.second):
            make_article(publish_at=publish_at)
        self.version = content_version()

    def next_after(self, moment):
        return pagecache.next_publication(self.version, after=moment.timestamp())

    def test_the_next_publication_is_looked_up_again_once_it_has_passed(self):
        before = self.first - timedelta(seconds=1)
        self.assertEqual(self.next_after(before), self.first.timestamp())
        with self.assertNumQueries(0):
            self.assertEqual(self.next_after(before), self.first.timestamp())
        after = self.first + timedelta(seconds=1)
        self.assertEqual(self.next_after(after), self.second.timestamp())
        self.assertIsNone(self.next_after(self.second + timedelta(seconds=1)))

    def test_a_page_rendered_before_a_publication_never_outlives_it(self):
        # Another process renders after the first publication...
        self.next_after(self.first + timedelta(seconds=1))
        # ...and a slow page rendered before it is still bounded by it.
        rendered_from = self.first - timedelta(seconds=1)
        self.assertEqual(self.next_after(rendered_from), self.first.timestamp())


@override_settings(NEWSROOM_FRAGMENT_CACHE=True, CACHES=LOCAL_CACHE)
class CacheRoundTripTests(TestCase):
    """An article page reads the cache once: the content version and the
    Popular posts ranking come in the same round trip."""

    def setUp(self):
        cache.clear()
        self.story = make_article("Talks begin", tags=["China"])
        # Popular posts never lists the article being read: another is.
        self.popular = make_article("Budget passes")
        for article, views in [(self.story, 3), (self.popular, 5)]:
            DailyViewCount.objects.create(
                article=article, day=timezone.localdate(), views=views
            )
        counting.flush()
        self.reads, self.inside = [], False

    def count_reads(self):
        backend = caches["default"]
        for name in ("get", "get_many"):
            original = getattr(backend, name)
            spy = self.spy(name, original)
            setattr(backend, name, spy)
            self.addCleanup(delattr, backend, name)

    def spy(self, name, original):
        def read(keys, *args, **kwargs):
            if self.inside:  # the local-memory cache's get_many calls get
                return original(keys, *args, **kwargs)
            self.reads.append((name, keys))
            self.inside = True
            try:
                return original(keys, *args, **kwargs)
            finally:
                self.inside = False

        return read

    def test_an_uncached_article_page_reads_the_cache_once(self):
        url = self.story.get_absolute_url()
        self.client.get(url)  # the process's copies of menu and sections
        self.count_reads()
        page = self.client.get(url)
        self.assertContains(page, "Popular posts")
        self.assertEqual(
            self.reads, [("get_many", [VERSION_KEY, counting.RANKING_KEY])]
        )
        self.assertEqual(
            page.wsgi_request.read_with_version[counting.RANKING_KEY],
            [self.popular.pk, self.story.pk],
        )

    @override_settings(NEWSROOM_PAGE_CACHE=True)
    def test_a_page_cache_miss_reads_the_ranking_with_the_page(self):
        url = self.story.get_absolute_url()
        self.client.get(url)
        bump_content_version()
        self.count_reads()
        page = self.client.get(url)
        self.assertNotIn("X-Page-Cache", page)
        self.assertContains(page, "Budget passes</a>")
        self.assertEqual(self.reads[0][0], "get_many")
        self.assertIn(counting.RANKING_KEY, self.reads[0][1])
        ranking_reads = [keys for _, keys in self.reads if counting.RANKING_KEY in keys]
        self.assertEqual(len(ranking_reads), 1, self.reads)

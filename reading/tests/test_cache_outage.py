"""Pages and the view beacon work while the cache server is down: cheaply,
with one log line per failing place every few seconds, and never showing
what is no longer live."""

from unittest import mock

from django.core.cache import cache
from django.test import TestCase, TransactionTestCase, override_settings

from articles.testing import make_article, make_section
from newsroom.background import DUMMY_BACKEND, default_task_backend
from reading import pagecache
from related import counting
from related.models import DailyViewCount
from sections.models import Section

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"
REDIS_DOWN = {
    "default": {
        "BACKEND": "newsroom.cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


class OutageTestCase(TestCase):
    """Redis down from each test's start (its data is made before)."""

    outage_settings = {"CACHES": REDIS_DOWN}

    def setUp(self):
        # A new CACHES setting makes the process forget earlier outages.
        self.enterContext(override_settings(**self.outage_settings))


class RedisDownTests(OutageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Readable without Redis")

    def test_beacon_and_pages_survive_a_redis_outage(self):
        with self.assertLogs("reading.views", "ERROR"):
            response = self.client.post(
                "/beacon/view/", {"article": self.article.pk}, HTTP_USER_AGENT=BROWSER
            )
        self.assertEqual(response.status_code, 204)
        with self.assertLogs("reading", "ERROR"):
            page = self.client.get(self.article.get_absolute_url())
        self.assertEqual(page.status_code, 200)

    @override_settings(NEWSROOM_FRAGMENT_CACHE=True, NEWSROOM_PAGE_CACHE=True)
    def test_pages_render_from_the_database_when_redis_is_down(self):
        with self.assertLogs("reading", "ERROR") as logs:
            page = self.client.get(self.article.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Readable without Redis")
        self.assertContains(page, "Popular posts")
        messages = "\n".join(logs.output)
        self.assertIn("Page cache unavailable; rendering without it", messages)
        self.assertIn("page parts built without it", messages)
        self.assertIn("Popular posts ranked by this process", messages)


class OutageLogTests(OutageTestCase):
    outage_settings = {
        "CACHES": REDIS_DOWN,
        "NEWSROOM_FRAGMENT_CACHE": True,
        "NEWSROOM_PAGE_CACHE": True,
    }

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Logged story")

    def pages(self, count):
        with self.assertLogs("reading", "ERROR") as logs:
            for _ in range(count):
                self.assertEqual(self.client.get("/").status_code, 200)
                self.client.get(self.article.get_absolute_url())
        return logs

    def test_each_failing_place_logs_one_line_without_a_traceback(self):
        logs = self.pages(5)
        places = [record.getMessage().split(" (")[0] for record in logs.records]
        # Every place once, however many pages asked it.
        self.assertEqual(len(places), len(set(places)), places)
        self.assertIn("Page cache unavailable; rendering without it", places)
        for record in logs.records:
            self.assertIsNone(record.exc_info)
            self.assertNotIn("\n", record.getMessage())
            self.assertIn("(ConnectionError: Error 111 connecting", record.getMessage())

    def test_after_its_interval_a_place_logs_again_with_the_failures_since(self):
        self.pages(3)  # 6 pages: the first logged, 5 after it not
        with (
            mock.patch("newsroom.cache.CACHE_ERROR_LOG_SECONDS", 0),
            self.assertLogs("reading", "ERROR") as logs,
        ):
            self.client.get("/")
        [page_cache] = [
            message for message in logs.output if "Page cache unavailable" in message
        ]
        self.assertRegex(page_cache, r"; 5 more since the last report$")
        # Each place's next line counts what it did not log.
        first_lines = {}
        for message in logs.output:
            first_lines.setdefault(message.split(" (")[0], message)
        for message in first_lines.values():
            self.assertRegex(message, r"; [1-9][0-9]* more since the last report$")


class OutageExactnessTests(OutageTestCase):
    """During an outage the Popular posts ranking (ids) and the section menu
    are kept in each process for a short time; what pages show of articles
    is still ruled by `live()` at each render."""

    outage_settings = OutageLogTests.outage_settings

    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World")
        cls.popular = make_article("Most read story", section=cls.world)
        cls.other = make_article("Quiet story", section=cls.world)
        cls.third = make_article("Third story", section=cls.world)
        DailyViewCount.objects.add_views(cls.popular.pk, 50)

    def setUp(self):
        super().setUp()
        self.enterContext(self.assertLogs("reading", "ERROR"))

    def render(self, path):
        return self.client.get(path)

    def test_an_article_taken_off_the_site_is_not_shown_by_any_page(self):
        with mock.patch.object(
            counting, "compute_popular_ids", wraps=counting.compute_popular_ids
        ) as ranked:
            before = self.render(self.other.get_absolute_url())
            self.assertContains(before, "Most read story")
            # Unpublished (by this process or another: with the cache down,
            # no content version reaches the others, and nothing this
            # process keeps for the outage is dropped) …
            self.popular.unpublish()
            self.assertIn(self.popular.pk, counting.ranking_during_outage())
            # … it is on no page rendered afterwards.
            for path in [
                self.other.get_absolute_url(),
                self.third.get_absolute_url(),
                "/",
                "/world/",
            ]:
                with self.subTest(path=path):
                    page = self.render(path)
                    self.assertEqual(page.status_code, 200)
                    self.assertNotContains(page, "Most read story")
            self.assertEqual(
                self.render(self.popular.get_absolute_url()).status_code, 404
            )
        # The ranking (ids) was computed once, and kept for the other pages.
        self.assertEqual(ranked.call_count, 1)

    def test_the_section_menu_is_kept_a_few_seconds_at_most(self):
        self.assertContains(self.render("/"), ">World<")
        Section.objects.filter(pk=self.world.pk).update(name="Abroad")
        # Kept by this process while the cache stays down (the menu shows no
        # article, so no visibility rule is at stake) …
        self.assertContains(self.render("/"), ">World<")
        # … for OUTAGE_COPY_SECONDS at most.
        with mock.patch.object(pagecache, "OUTAGE_COPY_SECONDS", 0):
            self.assertContains(self.render("/"), ">Abroad<")

    def test_what_was_kept_is_dropped_when_the_cache_answers_again(self):
        build = mock.Mock(side_effect=["World", "Abroad"])
        per_content_version = pagecache.per_content_version
        self.assertEqual(per_content_version("navigation-html", build), "World")
        self.assertEqual(per_content_version("navigation-html", build), "World")
        with mock.patch.object(pagecache, "content_version", return_value=1):
            per_content_version("sections-by-id", dict)  # the cache answers
        self.assertEqual(per_content_version("navigation-html", build), "Abroad")


class OwedVersionTests(TransactionTestCase):
    """A change made while the cache is down has the versions moved later."""

    def test_a_change_the_cache_missed_moves_the_versions_later(self):
        article = make_article("Retracted in the outage")
        with (
            override_settings(TASKS={"default": {"BACKEND": DUMMY_BACKEND}}),
            mock.patch.object(cache, "set", side_effect=ConnectionError("down")),
            self.assertLogs("reading.pagecache", "ERROR"),
        ):
            default_task_backend.clear()
            article.unpublish()
            [later] = [
                result
                for result in default_task_backend.results
                if result.task.func.__name__ == "move_versions_again"
            ]
        before = (pagecache.content_version(), pagecache.retraction_version())
        later.task.call()
        after = (pagecache.content_version(), pagecache.retraction_version())
        self.assertNotEqual(before[0], after[0])
        self.assertNotEqual(before[1], after[1])

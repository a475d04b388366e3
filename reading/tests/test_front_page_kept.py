"""The front page's arrangement is kept per content version in each process,
until the next scheduled change: exact, as the page cache is."""

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_section
from frontpage.models import Block

from .test_pagecache import LOCAL_CACHE


@override_settings(NEWSROOM_FRAGMENT_CACHE=True, CACHES=LOCAL_CACHE)
class KeptFrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.story = make_article("Talks begin in Beijing", section=cls.world)

    def setUp(self):
        cache.clear()

    def test_rendered_again_without_a_query(self):
        first = self.client.get("/")
        with self.assertNumQueries(0):
            again = self.client.get("/")
        self.assertEqual(again.content, first.content)

    def test_a_publication_and_an_unpublish_show_at_once(self):
        self.client.get("/")
        fresh = make_article(
            "Breaking news", section=self.world, status=Article.Status.DRAFT
        )
        with self.captureOnCommitCallbacks(execute=True):
            fresh.publish()
        self.assertContains(self.client.get("/"), "Breaking news")
        self.story.unpublish()
        self.assertNotContains(self.client.get("/"), "Talks begin in Beijing")

    def test_a_scheduled_article_appears_at_its_second(self):
        at = timezone.now() + timedelta(minutes=5)
        make_article("Embargoed story", section=self.world, publish_at=at)
        self.assertNotContains(self.client.get("/"), "Embargoed story")
        for moment, shown in [(at - timedelta(seconds=1), False), (at, True)]:
            with (
                self.subTest(moment=moment),
                mock.patch("django.utils.timezone.now", return_value=moment),
            ):
                response = self.client.get("/")
                if shown:
                    self.assertContains(response, "Embargoed story")
                else:
                    self.assertNotContains(response, "Embargoed story")

    def test_a_scheduled_block_takes_its_place_at_its_time(self):
        self.client.get("/")
        at = timezone.now() + timedelta(minutes=5)
        later = make_article("Old exclusive", section=self.world, age=timedelta(days=9))
        block = Block.objects.create(kind=Block.Kind.LEAD, size=1, live_from=at)
        block.pins.create(article=later)
        self.assertNotIn("Old exclusive", self.lead())
        with mock.patch("django.utils.timezone.now", return_value=at):
            self.assertIn("Old exclusive", self.lead())

    def lead(self):
        page = self.client.get("/").content.decode()
        return page[page.index('class="front-lead"') :].split("</section>")[0]

    @override_settings(
        CACHES={
            "default": {
                "BACKEND": "newsroom.cache.SharedClientRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
    )
    def test_the_front_page_renders_when_the_cache_is_down(self):
        with self.assertLogs("reading", "ERROR"):
            response = self.client.get("/")
        self.assertContains(response, "Talks begin in Beijing")

"""Readers and the related-list task: the previous list until the task has
run, the new one on the next request after; visibility never waits."""

from django.core.cache import cache
from django.test import TestCase, override_settings

from articles.models import Article
from articles.testing import make_article, make_section
from newsroom.background import DUMMY_BACKEND, default_task_backend
from related.ranking import refresh_related
from related.tasks import refresh_related_lists

from .test_pagecache import LOCAL_CACHE

QUEUE_ONLY = {"default": {"BACKEND": DUMMY_BACKEND}}


@override_settings(NEWSROOM_PAGE_CACHE=True, CACHES=LOCAL_CACHE, TASKS=QUEUE_ONLY)
class RelatedTaskReaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section("World News", slug="world")
        tags = ["Lunar missions", "Selene"]
        # As a commit would, enqueue (and forget) what these saves ask for.
        with cls.captureOnCommitCallbacks(execute=True):
            cls.make_articles(section, tags)
        for article in (cls.reader_article, cls.older):
            refresh_related(article)

    @classmethod
    def make_articles(cls, section, tags):
        cls.reader_article = make_article(
            "Selene lander lost", section=section, tags=tags
        )
        cls.older = make_article("Selene launch delayed", section=section, tags=tags)

    def setUp(self):
        cache.clear()
        default_task_backend.clear()

    def page(self):
        return self.client.get(self.reader_article.get_absolute_url())

    def run_queued_tasks(self):
        queued, ran = list(default_task_backend.results), 0
        default_task_backend.clear()
        for result in queued:
            result.task.call(*result.args, **result.kwargs)
            ran += 1
        return ran

    def test_the_page_shows_the_stored_list_until_the_task_has_run(self):
        self.assertContains(self.page(), "Selene launch delayed")
        with self.captureOnCommitCallbacks(execute=True):
            newer = make_article(
                "Selene inquiry opens",
                section=self.reader_article.section,
                tags=["Lunar missions", "Selene"],
            )
        self.assertEqual(
            [r.task.module_path for r in default_task_backend.results],
            [refresh_related_lists.module_path],
        )
        before = self.page()
        self.assertContains(before, "Selene launch delayed")  # never empty
        self.assertNotContains(before, "Selene inquiry opens")

        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.run_queued_tasks(), 1)
        after = self.page()
        self.assertNotEqual(after.get("X-Page-Cache"), "hit")  # cache moved on
        self.assertContains(after, newer.get_absolute_url())
        self.assertContains(after, "Selene launch delayed")

    def test_an_unpublished_article_leaves_lists_without_waiting_for_a_task(self):
        self.assertContains(self.page(), "Selene launch delayed")
        with self.captureOnCommitCallbacks(execute=True):
            self.older.unpublish()
        # Nothing has run: the queued refills wait, the article is gone.
        self.assertTrue(default_task_backend.results)
        self.assertNotContains(self.page(), "Selene launch delayed")
        self.assertFalse(Article.objects.live().filter(pk=self.older.pk).exists())

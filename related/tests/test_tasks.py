from django.db import transaction
from django.test import TestCase, override_settings

from articles.testing import make_article, make_section
from newsroom.background import DUMMY_BACKEND, default_task_backend
from related import signals
from related.models import RelatedArticle
from related.tasks import refresh_related_lists, refresh_related_of


@override_settings(TASKS={"default": {"BACKEND": DUMMY_BACKEND}})
class EnqueuedOnCommitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")

    def setUp(self):
        default_task_backend.clear()

    def queued(self):
        return [
            (result.task.module_path, result.args)
            for result in default_task_backend.results
        ]

    def publish(self, count):
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            articles = [
                make_article(section=self.section, tags=["Budget"])
                for _ in range(count)
            ]
            for article in articles:  # a second change of each: still once
                article.tags.add("Tax")
        return articles

    def test_each_changed_article_is_enqueued_once_when_the_transaction_commits(self):
        articles = self.publish(2)
        self.assertEqual(
            self.queued(),
            [(refresh_related_lists.module_path, [a.pk]) for a in articles],
        )
        # Nothing was computed in the saving request.
        self.assertFalse(RelatedArticle.objects.exists())

    def test_many_changed_articles_are_computed_in_batches_without_neighbours(self):
        articles = self.publish(signals.WITH_NEIGHBOURS_UP_TO + 2)
        self.assertEqual(
            self.queued(),
            [(refresh_related_of.module_path, [sorted(a.pk for a in articles)])],
        )

    def test_a_rolled_back_change_enqueues_nothing_later(self):
        try:
            with transaction.atomic():
                make_article(section=self.section, tags=["Budget"])
                raise RuntimeError("the editor's save fails")
        except RuntimeError:
            pass
        [article] = self.publish(1)
        self.assertEqual(
            self.queued(), [(refresh_related_lists.module_path, [article.pk])]
        )

    def test_the_task_stores_the_lists_and_reports_how_many(self):
        first, second = self.publish(2)
        self.assertEqual(refresh_related_lists.call(first.pk), 2)
        self.assertTrue(
            RelatedArticle.objects.filter(article=first, target=second).exists()
        )
        first.unpublish()
        self.assertEqual(refresh_related_lists.call(first.pk), 0)

    def test_a_draft_has_no_list_to_compute(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_article(section=self.section, tags=["Budget"], status="draft")
        self.assertEqual(self.queued(), [])

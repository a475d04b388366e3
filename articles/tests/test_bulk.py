from datetime import timedelta

from django_tasks_db.models import DBTaskResult

from django.contrib.auth import get_user_model
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_section
from newsroom.test_background import DATABASE_QUEUE, run_worker

Status = Article.Status


@override_settings(TASKS=DATABASE_QUEUE)
class QueuedBulkActionTests(TransactionTestCase):
    """A bulk action answers at once; a worker does it; the list reports it."""

    def setUp(self):
        self.editor = get_user_model().objects.create_superuser(
            "chief", password="correct-horse-battery"
        )
        self.client.force_login(self.editor)
        self.section = make_section("World News", slug="world")
        self.drafts = [
            make_article(f"Draft {n}", section=self.section, status=Status.DRAFT)
            for n in range(3)
        ]
        self.live = make_article("Already live", section=self.section)
        self.changelist = reverse("admin:articles_article_changelist")

    def post_action(self, action, articles, **extra):
        return self.client.post(
            self.changelist,
            {"action": action, "_selected_action": [a.pk for a in articles], **extra},
            follow=True,
        )

    def test_publish_is_queued_then_done_by_a_worker_then_reported(self):
        response = self.post_action("publish_selected", [*self.drafts, self.live])
        self.assertContains(response, "Queued: 4 articles to be published.")
        self.assertNotContains(response, "3 published")
        self.assertEqual(Article.objects.live().count(), 1)  # nothing done yet

        run_worker()
        self.assertEqual(Article.objects.live().count(), 4)
        page = self.client.get(self.changelist)
        self.assertContains(page, "3 published, 1 skipped: already published.")
        # Reported once.
        self.assertNotContains(self.client.get(self.changelist), "3 published")

    def test_tagging_many_articles_answers_before_the_work_is_done(self):
        articles = [*self.drafts, self.live]
        response = self.post_action("add_tag", articles, apply="1", tag="Budget")
        self.assertContains(response, "Queued: 4 articles to be tagged “Budget”.")
        self.assertFalse(Article.objects.filter(tags__name="Budget").exists())
        run_worker()
        self.assertEqual(Article.objects.filter(tags__name="Budget").count(), 4)
        self.assertContains(self.client.get(self.changelist), "4 tagged “Budget”.")

    def test_the_list_warns_when_no_worker_takes_the_tasks(self):
        self.post_action("publish_selected", self.drafts)
        self.assertNotContains(self.client.get(self.changelist), "is a task worker")
        DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=6))
        page = self.client.get(self.changelist)
        self.assertContains(page, "have waited for over five minutes")
        run_worker()
        self.assertNotContains(self.client.get(self.changelist), "is a task worker")

"""Publishing dates a story now, unless an editor chose another time."""

from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.testing import (
    change_form_data,
    make_article,
    make_section,
    make_user,
)

Status = Article.Status


class PublishDateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.editor = make_user("edna", "Editor")

    def draft(self, status=Status.DRAFT, **fields):
        """A draft written some days ago: its publish time is its creation's."""
        fields.setdefault("age", timedelta(days=3))
        return make_article(
            "Night trains return", section=self.section, status=status, **fields
        )

    def assertNow(self, moment):
        self.assertLess(abs(timezone.now() - moment), timedelta(seconds=5))

    def test_publishing_a_draft_dates_it_now(self):
        for status in (Status.DRAFT, Status.REVIEW):
            with self.subTest(status=status):
                article = self.draft(status, slug=f"night-{status}")
                article.publish(by=self.editor)
                article.refresh_from_db()
                self.assertNow(article.publish_at)
                today = timezone.localdate().strftime("/%Y/%m/%d/")
                self.assertIn(today, article.get_absolute_url())
                self.assertEqual(
                    self.client.get(article.get_absolute_url()).status_code, 200
                )

    def test_a_future_time_schedules_and_is_kept(self):
        later = timezone.now() + timedelta(hours=5)
        article = self.draft(publish_at=later)
        article.publish(by=self.editor)
        article.refresh_from_db()
        self.assertEqual(article.publish_at, later)
        self.assertIs(article.is_scheduled(), True)

    def test_republishing_keeps_the_first_publication_date(self):
        article = self.draft()
        article.publish(by=self.editor)
        first = Article.objects.get(pk=article.pk).publish_at
        article.unpublish(by=self.editor)
        article.publish(by=self.editor)
        self.assertEqual(Article.objects.get(pk=article.pk).publish_at, first)

    def test_a_time_given_on_purpose_is_kept(self):
        earlier = timezone.now() - timedelta(days=10)
        article = self.draft()
        article.publish(by=self.editor, at=earlier)
        self.assertEqual(Article.objects.get(pk=article.pk).publish_at, earlier)

    def test_bulk_publishing_old_drafts_dates_them_now(self):
        articles = [self.draft(slug=f"old-{n}") for n in range(3)]
        self.client.force_login(self.editor)
        self.client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "publish_selected",
                "_selected_action": [a.pk for a in articles],
            },
        )
        for article in Article.objects.filter(pk__in=[a.pk for a in articles]):
            self.assertEqual(article.status, Status.PUBLISHED)
            self.assertNow(article.publish_at)


class AdminPublishDateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.editor = make_user("edna", "Editor")

    def setUp(self):
        self.article = make_article(
            "Night trains return",
            section=self.section,
            status=Status.DRAFT,
            age=timedelta(days=3),
        )
        self.client.force_login(self.editor)

    def publish(self, publish_at=None, **extra):
        """Press Publish on the change form, as a browser sends it."""
        data = change_form_data(
            self.article, publish_at=publish_at, _transition="publish", **extra
        )
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        return self.client.post(url, data)

    def test_publish_without_touching_the_time_dates_the_story_now(self):
        response = self.publish()
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.PUBLISHED)
        self.assertLess(timezone.now() - self.article.publish_at, timedelta(seconds=5))

    def test_a_past_time_entered_by_the_editor_must_be_confirmed(self):
        earlier = (timezone.now() - timedelta(days=30)).replace(microsecond=0)
        refused = self.publish(earlier)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "back-date the story")
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.DRAFT)
        # The second try without confirming is refused again.
        self.assertContains(self.publish(earlier), "back-date the story")

        confirmed = self.publish(earlier, confirm_backdate="on")
        self.assertEqual(confirmed.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.PUBLISHED)
        self.assertEqual(self.article.publish_at, earlier)

    def test_a_future_time_entered_by_the_editor_schedules(self):
        later = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
        self.assertEqual(self.publish(later).status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.publish_at, later)
        self.assertIs(self.article.is_scheduled(), True)

    def test_writers_do_not_see_the_back_date_box(self):
        writer = make_user("walter", "Writer")
        self.client.force_login(writer)
        self.article.created_by = writer
        self.article.save()
        page = self.client.get(
            reverse("admin:articles_article_change", args=[self.article.pk])
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "confirm_backdate")
        self.client.force_login(self.editor)
        page = self.client.get(
            reverse("admin:articles_article_change", args=[self.article.pk])
        )
        self.assertContains(page, "confirm_backdate")

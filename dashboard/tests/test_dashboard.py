from datetime import timedelta
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITOR, WRITER
from articles.testing import make_article, make_user
from related import counting
from related.models import DailyViewCount

URL = "/admin/dashboard/"


@override_settings(TIME_ZONE="Europe/London")
class DashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("eddie", EDITOR)
        cls.writer = make_user("wanda", WRITER)

    def setUp(self):
        self.client.force_login(self.editor)
        counting.buffer().drain()

    def at(self, hour, minute=0):
        """Return today's `hour`:`minute` in the newsroom's zone."""
        return timezone.make_aware(
            timezone.datetime.combine(
                timezone.localdate(), timezone.datetime.min.time()
            )
        ) + timedelta(hours=hour, minutes=minute)

    def get(self, now):
        with mock.patch("django.utils.timezone.now", return_value=now):
            return self.client.get(URL)

    def test_shows_review_scheduled_published_and_most_read_with_links(self):
        now = self.at(12)
        waiting = make_article("Waiting story", status=Article.Status.REVIEW)
        later = make_article("Goes out at five", publish_at=self.at(17))
        tomorrow = make_article(
            "Goes out tomorrow", publish_at=self.at(17) + timedelta(days=1)
        )
        published = make_article("Out this morning", publish_at=self.at(9))
        DailyViewCount.objects.create(
            article=published, day=timezone.localdate(now), views=30
        )
        response = self.get(now)
        self.assertEqual(response.status_code, 200)
        context = response.context
        self.assertEqual(context["waiting"], [waiting])
        self.assertEqual(list(context["scheduled_today"]), [later])
        self.assertNotIn(tomorrow, context["recently_published"])
        self.assertEqual(list(context["recently_published"]), [published])
        row = context["most_read"][0]
        # 30 reads in the three hours since 9:00.
        self.assertEqual((row.article, row.reads, row.per_hour), (published, 30, 10.0))
        for article in [waiting, later, published]:
            self.assertContains(
                response, f'href="/admin/articles/article/{article.pk}/change/"'
            )
        self.assertContains(response, "17:00</time> (Europe/London)")
        self.assertContains(response, "Europe/London")

    def test_most_read_counts_reads_not_flushed_yet(self):
        now = self.at(10)
        story = make_article("Breaking", publish_at=self.at(9, 30))
        quiet = make_article("Quiet", publish_at=self.at(1))
        today = timezone.localdate(now)
        DailyViewCount.objects.create(article=story, day=today, views=4)
        DailyViewCount.objects.create(article=quiet, day=today, views=6)
        for _ in range(5):
            counting.buffer().add(today, story.pk)
        rows = self.get(now).context["most_read"]
        self.assertEqual([(r.article, r.reads) for r in rows], [(story, 9), (quiet, 6)])
        # Live half an hour: counted as an hour. Quiet: nine hours.
        self.assertEqual([r.per_hour for r in rows], [9.0, 0.67])
        # Reading the buffer leaves it for the flush (at the same time of
        # day: the flush counts live articles only).
        with mock.patch("django.utils.timezone.now", return_value=now):
            self.assertEqual(counting.flush(), 5)

    def test_query_count_does_not_grow_with_articles(self):
        now = self.at(12)
        today = timezone.localdate(now)

        def add_articles(count):
            for n in range(count):
                make_article(f"Review {n}", status=Article.Status.REVIEW)
                make_article(f"Later {n}", publish_at=self.at(13, n))
                read = make_article(f"Read {n}", publish_at=self.at(8, n))
                DailyViewCount.objects.create(article=read, day=today, views=n + 1)
                counting.buffer().add(today, read.pk)

        add_articles(1)
        # Read only since the last flush: its stored reads are looked up.
        only_buffered = make_article("Just out", publish_at=self.at(11, 50))
        counting.buffer().add(today, only_buffered.pk)
        self.get(now)
        # Session, user, permissions (2), the menu; waiting, scheduled,
        # published; reads stored, stored for buffered ones, their articles.
        with self.assertNumQueries(11) as first:
            self.get(now)
        add_articles(15)
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.get(now)
        self.assertEqual(len(response.context["most_read"]), 10)

    def test_only_staff_who_may_change_articles_see_it(self):
        self.client.logout()
        self.assertRedirects(
            self.client.get(URL),
            f"/admin/login/?next={URL}",
            fetch_redirect_response=False,
        )
        reader = make_user("reader")  # staff without a role
        self.client.force_login(reader)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_the_admin_index_links_to_it(self):
        self.assertContains(self.client.get("/admin/"), f'href="{URL}"')
        self.client.force_login(make_user("reader"))
        self.assertNotContains(self.client.get("/admin/"), f'href="{URL}"')

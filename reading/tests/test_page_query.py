"""The article page's query, built once per process, against the ORM's."""

from datetime import timedelta
from unittest import mock, skipUnless

from django.db import OperationalError, connection
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from articles.models import Article, ArticleDisplayData, Correction
from articles.testing import make_article, make_author, make_section
from images.testing import TemporaryMediaMixin, make_image
from reading.page_query import live_article_for_page


def state(instance):
    """Return a model instance's field values, as loaded."""
    return {
        name: value
        for name, value in vars(instance).items()
        if not name.startswith("_")
    }


class LiveArticleForPageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.article = make_article(
            "Ceasefire holds",
            section=cls.section,
            standfirst="Talks resume on Monday.",
            body="<p>Both sides kept to the line.</p>",
            tags=["ceasefire", "El Niño"],
            authors=[make_author("Ana Writer"), make_author("Ben Reporter")],
            lead_image_caption="The line at dawn",
        )
        Correction.objects.create(article=cls.article, text="A date was wrong.")

    def setUp(self):
        super().setUp()
        self.article.lead_image = make_image(credit="Agency")
        self.article.save()

    def orm(self, slug):
        return Article.objects.live().for_article_page().get(slug=slug)

    def test_makes_what_the_orm_makes_in_one_query(self):
        expected = self.orm(self.article.slug)
        with self.assertNumQueries(1):
            article = live_article_for_page(self.article.slug)
            image, data = article.lead_image, article.display_data
        self.assertEqual(state(article), state(expected))
        self.assertEqual(article.get_deferred_fields(), expected.get_deferred_fields())
        self.assertEqual(article.get_deferred_fields(), {"body_text", "search_vector"})
        self.assertEqual(state(image), state(expected.lead_image))
        self.assertEqual(state(data), state(expected.display_data))
        self.assertEqual(
            data.tags, [["ceasefire", "ceasefire"], ["El Niño", "el-niño"]]
        )
        self.assertEqual(article.publish_at, self.article.publish_at)
        self.assertFalse(article._state.adding)
        self.assertEqual(article._state.db, "default")

    def test_an_article_without_lead_image_or_display_data(self):
        bare = make_article("No picture", section=self.section)
        ArticleDisplayData.objects.filter(article=bare).delete()
        with self.assertNumQueries(1):
            article = live_article_for_page(bare.slug)
            self.assertIsNone(article.lead_image)
            with self.assertRaises(ArticleDisplayData.DoesNotExist):
                article.display_data  # noqa: B018 (the access is the test)
        page = self.client.get(bare.get_absolute_url())
        self.assertContains(page, "No picture")
        self.assertTrue(ArticleDisplayData.objects.filter(article=bare).exists())

    def test_only_live_articles_are_found(self):
        now = timezone.now()
        hidden = [
            make_article(status=Article.Status.DRAFT),
            make_article(status=Article.Status.REVIEW),
            make_article(status=Article.Status.UNPUBLISHED),
            make_article(publish_at=now + timedelta(seconds=30)),
        ]
        for article in hidden:
            with self.subTest(article=article.status):
                self.assertIsNone(live_article_for_page(article.slug))
                self.assertFalse(Article.objects.live().filter(pk=article.pk).exists())
        self.assertIsNone(live_article_for_page("no-such-article"))
        self.assertEqual(live_article_for_page(self.article.slug).pk, self.article.pk)


@skipUnless(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
class PreparedStatementTests(TestCase):
    """PostgreSQL plans the article page's query once per connection."""

    def setUp(self):
        # Start from none, as a new connection does (psycopg sees this too).
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")

    def prepared_article_queries(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "articles_article" a LEFT OUTER JOIN%'],
            )
            return [statement for (statement,) in cursor.fetchall()]

    def test_the_query_is_prepared_after_a_few_runs_and_still_counted(self):
        article = make_article("Prepared once")
        self.assertEqual(self.prepared_article_queries(), [])
        threshold = connection.connection.prepare_threshold
        self.assertEqual(threshold, 5)
        for _ in range(threshold + 1):
            with self.assertNumQueries(1):
                self.assertEqual(live_article_for_page(article.slug).pk, article.pk)
        self.assertEqual(len(self.prepared_article_queries()), 1)
        # The prepared query still sees what changes: the article unpublished.
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        self.assertIsNone(live_article_for_page(article.slug))

    def test_without_a_threshold_nothing_is_prepared(self):
        article = make_article("Never prepared")
        connection.connection.prepare_threshold = None
        try:
            for _ in range(8):
                self.assertEqual(live_article_for_page(article.slug).pk, article.pk)
        finally:
            connection.connection.prepare_threshold = 5
        self.assertEqual(self.prepared_article_queries(), [])


@skipUnless(connection.vendor == "postgresql", "a server that can drop connections")
class ConnectionCheckTests(TransactionTestCase):
    """The page's query is its own health check of a reused connection."""

    def setUp(self):
        self.article = make_article("Survives a restart")
        enabled = connection.health_check_enabled
        connection.health_check_enabled = True
        self.addCleanup(setattr, connection, "health_check_enabled", enabled)
        connection.ensure_connection()
        # As at the start of a request that reuses the connection.
        connection.health_check_done = False

    def find(self):
        with mock.patch.object(
            connection, "is_usable", wraps=connection.is_usable
        ) as is_usable:
            article = live_article_for_page(self.article.slug)
        is_usable.assert_not_called()  # no SELECT 1 before the query
        return article

    def test_a_live_connection_is_used_without_a_separate_check(self):
        backend = connection.connection.info.backend_pid
        self.assertEqual(self.find().pk, self.article.pk)
        self.assertTrue(connection.health_check_done)
        self.assertEqual(connection.connection.info.backend_pid, backend)

    def test_a_dead_connection_is_replaced_and_the_page_still_found(self):
        backend = connection.connection.info.backend_pid
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        finally:
            other.close()
        with self.assertLogs("reading.page_query", "INFO"):
            self.assertEqual(self.find().pk, self.article.pk)
        self.assertNotEqual(connection.connection.info.backend_pid, backend)

    def test_without_checks_a_dead_connection_fails_as_django_would(self):
        connection.health_check_enabled = False
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(%s)",
                    [connection.connection.info.backend_pid],
                )
        finally:
            other.close()
        with self.assertRaises(OperationalError):
            live_article_for_page(self.article.slug)
        connection.close()

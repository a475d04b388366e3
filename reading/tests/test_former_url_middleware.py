from unittest import mock

from django.db import OperationalError, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles.models import Article, FormerURL
from articles.testing import make_article


class FormerURLMiddlewareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Moved in", slug="moved-in")
        FormerURL.objects.create(path="/?p=12", article=cls.article)
        FormerURL.objects.create(path="/2013/01/10/moved-in/", article=cls.article)
        FormerURL.objects.create(path="/moved-in/", article=cls.article)

    def test_post_id_query_redirects_in_one_hop(self):
        response = self.client.get("/?p=12")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], self.article.get_absolute_url())

    def test_unmatched_old_paths_redirect_in_one_hop(self):
        for path in ("/2013/01/10/moved-in/", "/moved-in/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], self.article.get_absolute_url())

    def test_unpublished_articles_old_addresses_redirect_nowhere(self):
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.DRAFT)
        self.assertEqual(self.client.get("/moved-in/").status_code, 404)
        self.assertEqual(self.client.get("/?p=12").status_code, 200)

    def test_normal_pages_make_no_lookup(self):
        for path in ("/", "/?page=2", self.article.get_absolute_url()):
            with self.subTest(path=path), CaptureQueriesContext(connection) as run:
                self.assertEqual(self.client.get(path).status_code, 200)
            self.assertFalse(
                [q for q in run.captured_queries if "formerurl" in q["sql"]]
            )

    def test_a_database_outage_is_not_a_server_error(self):
        down = mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
            side_effect=OperationalError("connection refused"),
        )
        self.client.raise_request_exception = False  # as a browser meets it
        for path in ("/?p=12", "/2013/01/10/moved-in/"):
            with self.subTest(path=path), down, self.assertLogs("reading", "WARNING"):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 503)
                self.assertIn("Retry-After", response)

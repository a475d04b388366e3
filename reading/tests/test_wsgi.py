import io
from unittest import mock
from wsgiref.util import setup_testing_defaults

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase
from django.utils import timezone

from articles.testing import make_article
from newsroom.wsgi import application
from related import counting
from related.models import DailyViewCount

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"


def wsgi_call(path, method="GET", body=b"", **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "HTTP_USER_AGENT": BROWSER,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **extra,
    }
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    # As Django's test client does: a request must not close the database
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


class ViewBeaconEntryPointTests(TestCase):
    """newsroom.wsgi answers beacons itself and hands the rest to Django."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Read through WSGI")

    def setUp(self):
        cache.clear()
        counting.buffer().drain()

    def test_a_beacon_is_counted_without_django_request_cycle(self):
        body = f"article={self.article.pk}".encode()
        with (
            mock.patch("django.core.handlers.wsgi.WSGIHandler.__call__") as django,
            self.assertNumQueries(0),
        ):
            status, headers, content = wsgi_call("/beacon/view/", "POST", body)
        django.assert_not_called()
        self.assertEqual(status, "204 No Content")
        self.assertIn("no-store", headers["Cache-Control"])
        self.assertNotIn("Set-Cookie", headers)
        self.assertIn("camera=()", headers["Permissions-Policy"])
        self.assertEqual(content, b"")
        counting.flush()
        views = DailyViewCount.objects.get(
            article=self.article, day=timezone.localdate()
        )
        self.assertEqual(views.views, 1)

    def test_bad_input_is_a_400_and_counts_nothing(self):
        status, _, content = wsgi_call("/beacon/view/", "POST", b"article=abc")
        self.assertEqual(status, "400 Bad Request")
        self.assertIn(b"article id", content)
        self.assertEqual(counting.flush(), 0)

    def test_other_requests_and_a_get_of_the_beacon_go_to_django(self):
        status, headers, _ = wsgi_call("/robots.txt")
        self.assertEqual(status, "200 OK")
        self.assertEqual(headers["X-Frame-Options"], "DENY")
        status, _, _ = wsgi_call("/beacon/view/")
        self.assertEqual(status, "405 Method Not Allowed")

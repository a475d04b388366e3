"""Pages and the view beacon work while the cache server is down."""

from django.test import TestCase, override_settings

from articles.testing import make_article

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "newsroom.cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
class RedisDownTests(TestCase):
    def test_beacon_and_pages_survive_a_redis_outage(self):
        article = make_article("Still readable")
        with self.assertLogs("reading.views", "ERROR"):
            response = self.client.post(
                "/beacon/view/", {"article": article.pk}, HTTP_USER_AGENT=BROWSER
            )
        self.assertEqual(response.status_code, 204)
        with self.assertLogs("related.counting", "ERROR"):
            page = self.client.get(article.get_absolute_url())
        self.assertEqual(page.status_code, 200)

    @override_settings(NEWSROOM_FRAGMENT_CACHE=True, NEWSROOM_PAGE_CACHE=True)
    def test_pages_render_from_the_database_when_redis_is_down(self):
        article = make_article("Readable without Redis")
        with (
            self.assertLogs("reading.pagecache", "ERROR") as logs,
            self.assertLogs("related.counting", "ERROR"),
        ):
            page = self.client.get(article.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Readable without Redis")
        self.assertContains(page, "Popular posts")
        messages = "\n".join(logs.output)
        self.assertIn("building navigation without it", messages)
        self.assertIn("building popular-widget without it", messages)

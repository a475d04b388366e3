from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article
from related import counting
from related.models import DailyViewCount

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/126.0 Safari/537.36"
)


class ViewBeaconTests(TestCase):
    url = "/beacon/view/"

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Read me")
        cls.other_article = make_article("Read me too")

    def setUp(self):
        cache.clear()
        counting.buffer().drain()

    def beacon(self, article_id, client=None, user_agent=BROWSER, **headers):
        return (client or self.client).post(
            self.url, {"article": article_id}, HTTP_USER_AGENT=user_agent, **headers
        )

    def views_today(self, article=None):
        counting.flush()  # Reads reach the database in batches.
        count = DailyViewCount.objects.filter(
            article=article or self.article, day=timezone.localdate()
        ).first()
        return count.views if count else 0

    def test_counts_a_read(self):
        response = self.beacon(self.article.pk)

        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.views_today(), 1)

    def test_response_is_not_cached(self):
        response = self.beacon(self.article.pk)

        self.assertIn("no-cache", response.headers["Cache-Control"])

    def test_repeat_read_by_the_same_reader_counts_once(self):
        self.beacon(self.article.pk)
        response = self.beacon(self.article.pk)

        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.views_today(), 1)

    def test_same_reader_reading_another_article_counts(self):
        self.beacon(self.article.pk)
        self.beacon(self.other_article.pk)

        self.assertEqual(self.views_today(), 1)
        self.assertEqual(self.views_today(self.other_article), 1)

    def test_different_reader_counts(self):
        self.beacon(self.article.pk, REMOTE_ADDR="203.0.113.7")
        self.beacon(self.article.pk, REMOTE_ADDR="198.51.100.20")

        self.assertEqual(self.views_today(), 2)

    def test_same_address_with_another_browser_counts(self):
        self.beacon(self.article.pk)
        self.beacon(self.article.pk, user_agent=BROWSER.replace("126.0", "125.0"))

        self.assertEqual(self.views_today(), 2)

    # Two proxies: the edge appends the reader's address, the balancer the edge's.
    @override_settings(
        NEWSROOM_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", NEWSROOM_CLIENT_IP_PROXIES=2
    )
    def test_readers_behind_a_proxy_are_told_apart_by_the_configured_header(self):
        self.beacon(self.article.pk, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
        self.beacon(self.article.pk, HTTP_X_FORWARDED_FOR="198.51.100.20, 10.0.0.1")
        self.beacon(self.article.pk, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")

        self.assertEqual(self.views_today(), 2)

    @override_settings(NEWSROOM_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
    def test_addresses_a_client_puts_in_the_header_are_ignored(self):
        for forged in range(30):
            self.beacon(
                self.article.pk,
                user_agent=f"{BROWSER} {forged}",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.7",
            )
        self.assertEqual(self.views_today(), settings.NEWSROOM_VIEW_ADDRESS_CAP)

    def test_bots_are_not_counted(self):
        for user_agent in [GOOGLEBOT, "curl/8.0", "", HEADLESS]:
            with self.subTest(user_agent=user_agent):
                response = self.beacon(self.article.pk, user_agent=user_agent)

                self.assertEqual(response.status_code, 204)
                self.assertEqual(self.views_today(), 0)

    def test_prefetch_is_not_counted(self):
        for header in ["HTTP_SEC_PURPOSE", "HTTP_PURPOSE"]:
            with self.subTest(header=header):
                response = self.beacon(self.article.pk, **{header: "prefetch"})

                self.assertEqual(response.status_code, 204)
                self.assertEqual(self.views_today(), 0)

    def test_draft_and_scheduled_articles_are_not_counted(self):
        draft = make_article("Draft", status=Article.Status.DRAFT)
        scheduled = make_article(
            "Scheduled", publish_at=timezone.now() + timedelta(hours=3)
        )
        for article in [draft, scheduled]:
            with self.subTest(article=article):
                response = self.beacon(article.pk)

                self.assertEqual(response.status_code, 204)
                self.assertIs(
                    DailyViewCount.objects.filter(article=article).exists(), False
                )

    def test_get_is_not_allowed(self):
        response = self.client.get(
            self.url, {"article": self.article.pk}, HTTP_USER_AGENT=BROWSER
        )

        self.assertEqual(response.status_code, 405)
        self.assertIs(DailyViewCount.objects.exists(), False)

    def test_non_numeric_id_is_a_bad_request(self):
        for value in ["abc", "", "1.5", "1; DROP TABLE"]:
            with self.subTest(value=value):
                response = self.beacon(value)

                self.assertEqual(response.status_code, 400)
        self.assertIs(DailyViewCount.objects.exists(), False)

    def test_missing_id_is_a_bad_request(self):
        response = self.client.post(self.url, {}, HTTP_USER_AGENT=BROWSER)

        self.assertEqual(response.status_code, 400)

    def test_unknown_id_stores_nothing(self):
        missing = Article.objects.order_by("-pk").first().pk + 1000

        response = self.beacon(missing)

        self.assertEqual(response.status_code, 204)
        self.assertIs(DailyViewCount.objects.exists(), False)

    def test_works_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)

        response = self.beacon(self.article.pk, client=client)

        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.views_today(), 1)

    def test_cache_outage_while_counting_still_answers_and_is_logged(self):
        with (
            mock.patch(
                "related.counting.record_read",
                side_effect=ConnectionError("cache down"),
            ),
            self.assertLogs("reading.views", "ERROR") as logs,
        ):
            response = self.beacon(self.article.pk)
        self.assertEqual(response.status_code, 204)
        self.assertIn(
            f"Could not record a read of article {self.article.pk}", logs.output[0]
        )
        self.assertEqual(self.views_today(), 0)

    def test_beacon_runs_no_database_query(self):
        with self.assertNumQueries(0):
            response = self.beacon(self.article.pk)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.views_today(), 1)

    @override_settings(NEWSROOM_VIEW_RATE_LIMIT=3)
    def test_a_client_sending_too_many_beacons_is_refused(self):
        others = [make_article(f"Other {n}") for n in range(5)]
        statuses = [self.beacon(article.pk).status_code for article in others]
        self.assertEqual(statuses, [204, 204, 204, 429, 429])
        self.assertEqual(DailyViewCount.objects.count(), 0)
        counting.flush()
        self.assertEqual(DailyViewCount.objects.count(), 3)

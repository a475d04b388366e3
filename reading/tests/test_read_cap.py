"""Reads that cannot be bought: one address counts a few reads of an article
a day whatever browsers it claims to be, and its bursts are refused."""

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.testing import make_article
from newsroom.redis_testing import needs_redis, redis_caches
from related import counting
from related.models import DailyViewCount
from related.ranking import compute_popular_ids

REDIS_URL = "redis://127.0.0.1:6379/12"


def user_agent(number):
    return (
        f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + number}.0) "
        f"Gecko/20100101 Firefox/{100 + number}.{number}"
    )


@override_settings(NEWSROOM_VIEW_ADDRESS_CAP=20, NEWSROOM_VIEW_RATE_LIMIT=60)
class ReadCapTests(TestCase):
    def setUp(self):
        cache.clear()
        counting.buffer().drain()
        # The tests' minutes pass from noon: a daily cap lives until the
        # day's end, which a run at 23:40 would otherwise reach mid-test.
        noon = timezone.localtime().replace(hour=12, minute=0, second=0)
        self.minute = 0
        for clock in [
            mock.patch(
                "related.counting.time.time",
                side_effect=lambda: noon.timestamp() + self.minute * 60.0,
            ),
            mock.patch(
                "django.utils.timezone.now",
                side_effect=lambda: noon + timedelta(minutes=self.minute),
            ),
        ]:
            clock.start()
            self.addCleanup(clock.stop)
        self.article = make_article("Bought reads")

    def beacon(self, article, number, address="198.51.100.7"):
        return self.client.post(
            "/beacon/view/",
            {"article": article.pk},
            HTTP_USER_AGENT=user_agent(number),
            REMOTE_ADDR=address,
        ).status_code

    def views(self, article):
        counting.flush()
        count = DailyViewCount.objects.filter(
            article=article, day=timezone.localdate()
        ).first()
        return count.views if count else 0

    def test_480_beacons_from_one_address_with_480_browsers_count_the_cap(self):
        other = make_article("Honestly read")
        for reader in range(30):
            self.beacon(other, reader, address=f"192.0.2.{reader}")
        statuses = [self.beacon(self.article, number) for number in range(480)]
        self.assertEqual(self.views(self.article), 20)
        # The burst is refused across browsers once past the rate limit.
        self.assertEqual(statuses.count(204), 60)
        self.assertEqual(statuses.count(429), 420)
        # The article stays below one honestly read by 30 readers.
        ranking = compute_popular_ids(limit=2)
        self.assertEqual(ranking, [other.pk, self.article.pk])

    def test_the_cap_holds_however_slowly_the_beacons_come(self):
        for number in range(200):
            self.minute = number // 10  # 10 a minute: never rate-limited
            self.assertEqual(self.beacon(self.article, number), 204)
        self.assertEqual(self.views(self.article), 20)

    def test_other_addresses_still_count_once_one_is_capped(self):
        for number in range(50):
            self.beacon(self.article, number)
        for reader in range(5):
            self.beacon(self.article, 0, address=f"203.0.113.{reader}")
        self.assertEqual(self.views(self.article), 25)

    def test_tens_of_readers_behind_one_office_address_all_count(self):
        articles = [self.article] + [make_article(f"Story {n}") for n in range(11)]
        for reader in range(40):
            self.minute = reader // 15  # 15 colleagues a minute, 3 reads each
            for turn in range(3):
                article = articles[(reader * 3 + turn) % len(articles)]
                self.assertEqual(self.beacon(article, reader), 204)
        self.assertEqual(sum(self.views(article) for article in articles), 120)

    def test_ipv6_addresses_of_one_network_share_a_cap(self):
        for number in range(30):
            self.minute = number
            self.beacon(self.article, number, address=f"2001:db8:1:2::{number + 1:x}")
        self.assertEqual(self.views(self.article), 20)


@needs_redis(REDIS_URL)
@override_settings(CACHES=redis_caches(REDIS_URL, "newsroom-read-cap-tests"))
class RedisReadCapTests(ReadCapTests):
    """The same, through the Redis script every app server runs."""

    def setUp(self):
        super().setUp()
        self.assertIsInstance(counting.buffer(), counting.RedisBuffer)

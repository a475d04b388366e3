from datetime import timedelta

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article
from newsroom.redis_testing import needs_redis, redis_caches
from related import counting
from related.counting import stored_popular_articles
from related.models import DailyViewCount

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"
REDIS_URL = "redis://127.0.0.1:6379/13"


class FlushTests(TestCase):
    def setUp(self):
        cache.clear()
        counting.buffer().drain()

    def test_flush_adds_buffered_reads_to_daily_counts(self):
        article = make_article("Read twice")
        DailyViewCount.objects.create(
            article=article, day=timezone.localdate(), views=5
        )
        counting.buffer().add(timezone.localdate(), article.pk)
        counting.buffer().add(timezone.localdate(), article.pk)
        self.assertEqual(counting.flush(), 2)
        self.assertEqual(DailyViewCount.objects.get(article=article).views, 7)
        self.assertEqual(counting.flush(), 0)

    def test_reads_of_unpublished_or_deleted_articles_are_dropped(self):
        draft = make_article("Draft", status=Article.Status.DRAFT)
        gone = make_article("Deleted")
        gone_id = gone.pk
        gone.delete()
        for article_id in [draft.pk, gone_id]:
            counting.buffer().add(timezone.localdate(), article_id)
        self.assertEqual(counting.flush(), 0)
        self.assertFalse(DailyViewCount.objects.exists())

    def test_popular_articles_are_the_ranking_stored_by_the_last_flush(self):
        quiet = make_article("Quiet", age=timedelta(days=1))
        busy = make_article("Busy", age=timedelta(days=1))
        DailyViewCount.objects.create(article=quiet, day=timezone.localdate(), views=9)
        counting.flush()
        self.assertEqual(stored_popular_articles(), [quiet])
        for _ in range(20):
            counting.buffer().add(timezone.localdate(), busy.pk)
        # Until the next flush, the stored ranking stays...
        self.assertEqual(stored_popular_articles(), [quiet])
        counting.flush()
        self.assertEqual(stored_popular_articles(), [busy, quiet])
        # ...but an article taken off the site leaves it at once.
        busy.unpublish()
        self.assertEqual(stored_popular_articles(), [quiet])

    def test_stored_popular_articles_cost_one_query(self):
        for n in range(8):
            article = make_article(f"Story {n}")
            DailyViewCount.objects.create(
                article=article, day=timezone.localdate(), views=n + 1
            )
        counting.flush()
        with self.assertNumQueries(1):
            self.assertEqual(len(stored_popular_articles()), 5)


@needs_redis(REDIS_URL)
@override_settings(CACHES=redis_caches(REDIS_URL, "newsroom-counting-tests"))
class RedisBufferTests(TestCase):
    def setUp(self):
        cache.clear()

    def test_reads_from_several_readers_are_buffered_in_redis_and_flushed(self):
        article = make_article("Read in Redis")
        self.assertIsInstance(counting.buffer(), counting.RedisBuffer)
        for address in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.3"]:
            response = self.client.post(
                "/beacon/view/",
                {"article": article.pk},
                HTTP_USER_AGENT=BROWSER,
                REMOTE_ADDR=address,
            )
            self.assertEqual(response.status_code, 204)
        self.assertFalse(DailyViewCount.objects.exists())
        self.assertEqual(counting.flush(), 3)
        self.assertEqual(DailyViewCount.objects.get(article=article).views, 3)
        self.assertEqual(counting.buffer().drain(), {})

    def test_reads_of_the_day_include_the_buffer_and_leave_it_for_the_flush(self):
        story = make_article("Read in Redis")
        today = timezone.localdate()
        DailyViewCount.objects.create(article=story, day=today, views=4)
        for _ in range(3):
            counting.buffer().add(today, story.pk)
        counting.buffer().add(today - timedelta(days=1), story.pk)
        self.assertEqual(counting.reads_on(today), [(story.pk, 7)])
        self.assertEqual(counting.flush(), 4)
        self.assertEqual(counting.reads_on(today), [(story.pk, 7)])

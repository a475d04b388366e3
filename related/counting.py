"""Counting reads cheaply: buffer in the cache, flush to the database in batches.

The view beacon only touches the cache (no database query, no page render).
With Redis (production), reads go into one Redis hash shared by all app
servers; a periodic task run by the task workers
(`related.tasks.flush_view_counts`, every NEWSROOM_VIEW_FLUSH_SECONDS) moves
them into DailyViewCount and recomputes the Popular posts ranking. With the
local-memory cache (one process, the demo), the buffer lives in the process
and flushes itself at most once a minute from the beacon.
"""

import logging
import threading
import time
import uuid
from collections import Counter
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from articles.models import Article
from newsroom.django_private import redis_client

from .models import DailyViewCount
from .ranking import compute_popular_ids

logger = logging.getLogger(__name__)

BUFFER_KEY = "views:buffer"
RANKING_KEY = "views:popular-ranking"
RANKING_SIZE = 20


COUNTED, REPEAT, LIMITED = "counted", "repeat", "limited"


def record_read(*, reader, client, day, article_id):
    """Count a read unless it repeats one or its client sends too many.

    `reader` names one reader and article for the day, `client` one client;
    both are salted hashes. Return COUNTED, REPEAT or LIMITED.
    """
    return buffer().record(reader, client, day, article_id)


def _rate_key(client):
    return f"view-rate:{client}:{int(time.time() // 60)}"


class LocalBuffer:
    """Reads kept in this process; flushed from the beacon now and then."""

    def record(self, reader, client, day, article_id):
        key = _rate_key(client)
        cache.add(key, 0, timeout=120)
        if cache.incr(key) > settings.NEWSROOM_VIEW_RATE_LIMIT:
            return LIMITED
        seen = cache.add(
            f"view-seen:{reader}", 1, timeout=settings.NEWSROOM_VIEW_DEDUPE_SECONDS
        )
        if not seen:
            return REPEAT
        self.add(day, article_id)
        return COUNTED

    def __init__(self):
        self.counts = Counter()
        self.lock = threading.Lock()
        self.flushed_at = time.monotonic()

    def add(self, day, article_id):
        with self.lock:
            self.counts[(day, article_id)] += 1
        if time.monotonic() - self.flushed_at >= settings.NEWSROOM_VIEW_FLUSH_SECONDS:
            flush()

    def drain(self):
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.flushed_at = time.monotonic()
        return counts


# One round trip for the whole beacon: rate limit, repeat check, count.
RECORD_SCRIPT = """
local sent = redis.call('INCR', KEYS[1])
if sent == 1 then redis.call('EXPIRE', KEYS[1], 120) end
if sent > tonumber(ARGV[1]) then return 2 end
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
  return 1
end
return 0
"""
OUTCOMES = {0: REPEAT, 1: COUNTED, 2: LIMITED}


class RedisBuffer:
    """Reads kept in a Redis hash that every app server adds to."""

    def __init__(self, redis_cache):
        self.redis_cache = redis_cache

    def record(self, reader, client, day, article_id):
        redis_client = self.client()
        outcome = _record_script(redis_client)(
            keys=[
                self.key(_rate_key(client)),
                self.key(f"view-seen:{reader}"),
                self.key(BUFFER_KEY),
            ],
            args=[
                settings.NEWSROOM_VIEW_RATE_LIMIT,
                settings.NEWSROOM_VIEW_DEDUPE_SECONDS,
                f"{day.isoformat()}:{article_id}",
            ],
            client=redis_client,
        )
        return OUTCOMES[int(outcome)]

    def client(self):
        return redis_client(self.redis_cache)

    def key(self, name):
        return self.redis_cache.make_key(name)

    def add(self, day, article_id):
        self.client().hincrby(
            self.key(BUFFER_KEY), f"{day.isoformat()}:{article_id}", 1
        )

    def drain(self):
        client = self.client()
        draining = self.key(f"{BUFFER_KEY}:draining:{uuid.uuid4().hex}")
        try:
            # Atomic: new reads go to a fresh hash while this one is read.
            client.rename(self.key(BUFFER_KEY), draining)
        except Exception as error:
            if "no such key" in str(error).lower():
                return Counter()
            raise
        raw = client.hgetall(draining)
        client.delete(draining)
        counts = Counter()
        for field, value in raw.items():
            day, article_id = field.decode().split(":")
            counts[(date.fromisoformat(day), int(article_id))] += int(value)
        return counts


@lru_cache(maxsize=8)
def _record_script(redis_client):
    """Return the record script registered with a client: sent by its hash."""
    return redis_client.register_script(RECORD_SCRIPT)


_local_buffer = LocalBuffer()


def buffer():
    """Return the buffer that suits the configured cache."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return RedisBuffer(backend)
    return _local_buffer


def flush():
    """Move buffered reads into daily counts; recompute the popular ranking.

    Reads of articles that are not live (or no longer exist) are dropped here,
    so the beacon never needs the database. Return the number of reads stored.
    """
    counts = buffer().drain()
    stored = 0
    if counts:
        live_ids = set(
            Article.objects.live()
            .filter(pk__in={article_id for _, article_id in counts})
            .values_list("pk", flat=True)
        )
        with transaction.atomic():
            for (day, article_id), views in sorted(counts.items()):
                if article_id in live_ids:
                    DailyViewCount.objects.add_views(article_id, views, day=day)
                    stored += views
    refresh_popular_ranking()
    return stored


def refresh_popular_ranking():
    """Store the ids of the most-read live articles for the widget."""
    ids = compute_popular_ids(limit=RANKING_SIZE)
    cache.set(RANKING_KEY, ids, timeout=settings.NEWSROOM_VIEW_FLUSH_SECONDS * 10)
    return ids


def popular_ids():
    """Return the stored popular ranking, computing it if the cache has none.

    (Pages read it in the same round trip as their content version: see
    reading.templatetags.reading_tags.popular_ids.)
    """
    try:
        ids = cache.get(RANKING_KEY)
    except Exception:
        logger.exception("Cache unavailable; computing Popular posts directly")
        ids = None
    if ids is None:
        try:
            ids = refresh_popular_ranking()
        except Exception:
            logger.exception("Could not store the popular ranking")
            ids = compute_popular_ids(limit=RANKING_SIZE)
    return ids


def stored_popular_articles(*, limit=5, ids=None):
    """Return the most-read live articles from the stored ranking, in one query.

    The ranking is refreshed when reads are flushed; `live()` still applies, so
    an article taken off the site leaves the widget at once.
    """
    ids = popular_ids() if ids is None else ids
    by_pk = Article.objects.live().for_links().in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk][:limit]

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
from django.utils import timezone

from articles.models import Article
from newsroom.cache import kept_during_outage, log_cache_error
from newsroom.django_private import redis_client

from .models import DailyViewCount
from .ranking import compute_popular_ids

logger = logging.getLogger(__name__)

BUFFER_KEY = "views:buffer"
RANKING_KEY = "views:popular-ranking"
RANKING_SIZE = 20


COUNTED, REPEAT, LIMITED, CAPPED = "counted", "repeat", "limited", "capped"


def record_read(*, reader, address, client, day, article_id):
    """Count a read unless its client sends too many beacons, it repeats a
    read, or its address has had its share of reads of the article today.

    Salted hashes name: `reader` one reader (address and browser) and
    article, `address` one address and article, `client` one address, for
    `day`. Return COUNTED, REPEAT, LIMITED (too many beacons this minute:
    NEWSROOM_VIEW_RATE_LIMIT) or CAPPED (NEWSROOM_VIEW_ADDRESS_CAP reads of
    this article from this address today).
    """
    return buffer().record(reader, address, client, day, article_id)


def _rate_key(client):
    return f"view-rate:{client}:{int(time.time() // 60)}"


def _seconds_left_today():
    """Return the seconds until the newsroom's day ends, plus a margin: the
    life of a daily cap (its key names the day, so it never carries over)."""
    now = timezone.localtime()
    return 86400 + 60 - (now.hour * 3600 + now.minute * 60 + now.second)


class LocalBuffer:
    """Reads kept in this process; flushed from the beacon now and then."""

    def record(self, reader, address, client, day, article_id):
        key = _rate_key(client)
        cache.add(key, 0, timeout=120)
        if cache.incr(key) > settings.NEWSROOM_VIEW_RATE_LIMIT:
            return LIMITED
        seen = cache.add(
            f"view-seen:{reader}", 1, timeout=settings.NEWSROOM_VIEW_DEDUPE_SECONDS
        )
        if not seen:
            return REPEAT
        key = f"view-address:{address}"
        cache.add(key, 0, timeout=_seconds_left_today())
        if cache.incr(key) > settings.NEWSROOM_VIEW_ADDRESS_CAP:
            return CAPPED
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

    def pending(self):
        with self.lock:
            return Counter(self.counts)


# One round trip for the whole beacon: rate limit, repeat check, daily cap
# of the address, count.
RECORD_SCRIPT = """
local sent = redis.call('INCR', KEYS[1])
if sent == 1 then redis.call('EXPIRE', KEYS[1], 120) end
if sent > tonumber(ARGV[1]) then return 2 end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then return 0 end
local counted = redis.call('INCR', KEYS[4])
if counted == 1 then redis.call('EXPIRE', KEYS[4], ARGV[5]) end
if counted > tonumber(ARGV[4]) then return 3 end
redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
return 1
"""
OUTCOMES = {0: REPEAT, 1: COUNTED, 2: LIMITED, 3: CAPPED}


class RedisBuffer:
    """Reads kept in a Redis hash that every app server adds to."""

    def __init__(self, redis_cache):
        self.redis_cache = redis_cache

    def record(self, reader, address, client, day, article_id):
        redis_client = self.client()
        outcome = _record_script(redis_client)(
            keys=[
                self.key(_rate_key(client)),
                self.key(f"view-seen:{reader}"),
                self.key(BUFFER_KEY),
                self.key(f"view-address:{address}"),
            ],
            args=[
                settings.NEWSROOM_VIEW_RATE_LIMIT,
                settings.NEWSROOM_VIEW_DEDUPE_SECONDS,
                f"{day.isoformat()}:{article_id}",
                settings.NEWSROOM_VIEW_ADDRESS_CAP,
                _seconds_left_today(),
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
        return _counts(raw)

    def pending(self):
        return _counts(self.client().hgetall(self.key(BUFFER_KEY)))


def _counts(raw):
    """Return {(day, article id): reads} of a buffer hash's fields."""
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


def reads_on(day, *, limit=10):
    """Return [(article id, reads)] of the `limit` most-read articles on
    `day`, most first: the stored daily counts plus the reads still in the
    buffer (not flushed yet), which is left as it is. At most two queries."""
    try:
        pending = Counter(
            {pk: reads for (on, pk), reads in buffer().pending().items() if on == day}
        )
    except Exception:
        log_cache_error(logger, "Could not read the buffered reads")
        pending = Counter()
    counts = DailyViewCount.objects.filter(day=day).values_list("article_id", "views")
    stored = dict(counts.order_by("-views", "article_id")[:limit])
    missing = [pk for pk in pending if pk not in stored]
    if missing:  # buffered reads of articles with fewer stored ones
        stored.update(counts.filter(article_id__in=missing))
    totals = Counter(stored) + pending
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]


def refresh_popular_ranking():
    """Store the ids of the most-read live articles for the widget."""
    ids = compute_popular_ids(limit=RANKING_SIZE)
    _store_ranking(ids)
    return ids


def _store_ranking(ids):
    cache.set(RANKING_KEY, ids, timeout=settings.NEWSROOM_VIEW_FLUSH_SECONDS * 10)


def popular_ids():
    """Return the stored popular ranking, computing it if the cache has none.

    (Pages read it in the same round trip as their content version: see
    reading.templatetags.reading_tags.popular_ids.) While the cache is
    unreachable, this process's own ranking (`ranking_during_outage`).
    """
    try:
        ids = cache.get(RANKING_KEY)
    except Exception:
        log_cache_error(
            logger, "Cache unavailable; Popular posts ranked by this process"
        )
        return ranking_during_outage()
    if ids is None:
        ids = compute_popular_ids(limit=RANKING_SIZE)
        try:
            _store_ranking(ids)
        except Exception:
            log_cache_error(logger, "Could not store the popular ranking")
    return ids


def ranking_during_outage():
    """Return the popular ranking for pages rendered while the cache is
    unreachable: computed in this process, and kept in it as long as the
    shared one lives between two flushes (NEWSROOM_VIEW_FLUSH_SECONDS).

    Ids only: `stored_popular_articles()` shows those of them that are live
    when each page renders, so an article taken off the site meanwhile (by
    any process) is not shown.
    """
    return kept_during_outage(
        RANKING_KEY,
        lambda: compute_popular_ids(limit=RANKING_SIZE),
        seconds=settings.NEWSROOM_VIEW_FLUSH_SECONDS,
    )


def stored_popular_articles(*, limit=5, ids=None):
    """Return the most-read live articles from the stored ranking, in one query.

    The ranking is refreshed when reads are flushed; `live()` still applies, so
    an article taken off the site leaves the widget at once.
    """
    ids = popular_ids() if ids is None else ids
    by_pk = Article.objects.live().for_links().in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk][:limit]

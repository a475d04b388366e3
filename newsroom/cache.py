"""Django's Redis cache, keeping one Redis client per connection pool.

Django's own backend builds a new `redis.Redis` object for every cache call.
Building one copies its table of about 170 response callbacks, which costs
more than the round trip to Redis itself: about 0.2 ms of every page-cache hit
and every view beacon. A client is safe to share between threads (it takes a
connection from the pool per command), so one per pool is enough.

Django offers no setting for the client class: the hooks used are private,
and go through newsroom/django_private.py.

While Redis is down, pages are rendered without it. `log_cache_error()` is
how a failed cache call is logged (every page would otherwise log a
traceback or several), and `kept_during_outage()` keeps, in each process
and for a few seconds, what pages would otherwise compute again each time.
"""

import logging
import sys
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import setting_changed
from django.dispatch import receiver

from . import django_private

# A place in the code whose cache calls fail is logged at most this often
# (seconds) by each process.
CACHE_ERROR_LOG_SECONDS = 5

_reported = {}  # (logger name, message): [time.monotonic() logged, failures since]
_reported_lock = threading.Lock()


def log_cache_error(logger, message, *args, level=logging.ERROR):
    """Log a failed cache call, from its `except` block, as one line.

    `message` (with `args`, as for `logger.error`) names the place; the
    error's type and text are added. Each place is logged at most once every
    CACHE_ERROR_LOG_SECONDS in this process, with the number of its failures
    not logged since the last line: a cache outage makes every request fail
    the same way, and a traceback each would cost more than the request.
    """
    now = time.monotonic()
    place = (logger.name, message)
    with _reported_lock:
        last = _reported.get(place)
        if last is not None and now - last[0] < CACHE_ERROR_LOG_SECONDS:
            last[1] += 1
            return
        _reported[place] = [now, 0]
    error = sys.exc_info()[1]
    error = getattr(error, "__cause__", None) or error  # raised from the cache's
    details = f" ({type(error).__name__}: {error})" if error is not None else ""
    if last is not None and last[1]:
        details += f"; {last[1]} more since the last report"
    logger.log(level, message + "%s", *args, details)


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = django_private.connection_pool_index(self, write=write)
        client = self._clients.get(index)
        if client is None:
            client = django_private.new_redis_client(self, write=write)
            self._clients[index] = client
        return client


class SharedClientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with shared clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        django_private.use_client_class(self, SharedClientRedisCacheClient)


# Values kept by this process while the cache is unreachable:
# key: (time.monotonic() built, value).
_outage_copies = {}


def kept_during_outage(key, build, *, seconds):
    """Return `build()`, kept in this process under `key` for `seconds`.

    For what pages need while the cache is unreachable and would otherwise
    compute for each of them. Keep only what may be up to `seconds` old on
    one process while others have a newer one: never whether an article may
    be shown (pages ask `live()` each time). `cache_answered()` drops every
    copy.
    """
    now = time.monotonic()
    kept = _outage_copies.get(key)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    value = build()
    _outage_copies[key] = (now, value)
    return value


def cache_answered():
    """Drop the values kept while the cache was unreachable: it answers again."""
    if _outage_copies:
        _outage_copies.clear()


def forget_outages():
    """Forget what this process kept and logged while the cache was down."""
    _outage_copies.clear()
    with _reported_lock:
        _reported.clear()


# Connected here, with the state it resets: tests switch to a cache that is
# down (override_settings), and what this process noted of another cache
# must not carry over into them.
@receiver(setting_changed)
def _forget_the_last_cache(*, setting, **kwargs):
    if setting == "CACHES":
        forget_outages()

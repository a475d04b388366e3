"""Django's Redis cache, keeping one Redis client per connection pool.

Django's own backend builds a new `redis.Redis` object for every cache call.
Building one copies its table of about 170 response callbacks, which costs
more than the round trip to Redis itself: about 0.2 ms of every page-cache hit
and every view beacon. A client is safe to share between threads (it takes a
connection from the pool per command), so one per pool is enough.

Django offers no setting for the client class: the hooks used are private,
and go through newsroom/django_private.py.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from . import django_private


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

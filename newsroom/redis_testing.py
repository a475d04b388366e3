"""Helpers for tests that talk to the real Redis on 127.0.0.1:6379."""

import os
import unittest

import redis


def redis_available(url):
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def needs_redis(url):
    """Skip a test class without Redis, unless NEWSROOM_REQUIRE_REDIS is set."""
    return unittest.skipUnless(
        redis_available(url) or os.environ.get("NEWSROOM_REQUIRE_REDIS"),
        "Redis is not running on 127.0.0.1:6379 (start redis-server to run these).",
    )

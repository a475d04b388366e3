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


def redis_caches(url, key_prefix):
    """Return CACHES for tests on the real Redis at `url`, under their own
    key prefix and this process's (clear() deletes only its keys, so test
    runs side by side on one Redis leave each other's keys alone)."""
    return {
        "default": {
            "BACKEND": "newsroom.test_runner.WorkerRedisCache",
            "KEY_FUNCTION": "newsroom.test_runner.process_key",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
        }
    }

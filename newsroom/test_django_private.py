"""What newsroom/django_private.py relies on, checked name by name.

When one of these fails after a Django upgrade, the private API it names has
changed: adapt the function of django_private.py that uses it (and its
docstring's list of checked versions), not this test.
"""

import inspect
import unittest
from types import SimpleNamespace

import redis

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.test import SimpleTestCase, TestCase
from django.utils.functional import cached_property

from articles.models import Article
from newsroom import django_private
from newsroom.cache import SharedClientRedisCache, SharedClientRedisCacheClient

try:
    from django.db.backends.postgresql import base as postgresql_base
    from django.db.backends.postgresql import psycopg_any
except ImportError:  # psycopg is not installed
    postgresql_base = psycopg_any = None


def parameters(function):
    return list(inspect.signature(function).parameters)


class RedisCachePrivateAPITests(SimpleTestCase):
    def test_the_cache_builds_its_client_from_class_once(self):
        cache = RedisCache("redis://127.0.0.1:6379/0", {})
        self.assertIs(cache._class, RedisCacheClient)
        self.assertIsInstance(
            inspect.getattr_static(RedisCache, "_cache"), cached_property
        )
        self.assertIsInstance(cache._cache, RedisCacheClient)
        self.assertIs(cache._cache, cache._cache)

    def test_the_client_picks_a_pool_and_a_client_class(self):
        client = RedisCacheClient(["redis://127.0.0.1:6379/0"])
        self.assertEqual(
            parameters(RedisCacheClient._get_connection_pool_index), ["self", "write"]
        )
        self.assertEqual(
            parameters(RedisCacheClient._get_connection_pool), ["self", "write"]
        )
        self.assertEqual(
            parameters(RedisCacheClient.get_client), ["self", "key", "write"]
        )
        self.assertEqual(client._get_connection_pool_index(True), 0)
        self.assertIs(client._client, redis.Redis)
        self.assertIsInstance(client._get_connection_pool(True), redis.ConnectionPool)

    def test_shared_client_cache_keeps_one_client_per_pool(self):
        cache = SharedClientRedisCache("redis://127.0.0.1:6379/0", {})
        self.assertIsInstance(cache._cache, SharedClientRedisCacheClient)
        first = django_private.redis_client(cache)
        self.assertIs(django_private.redis_client(cache), first)
        self.assertIs(first.connection_pool, cache._cache._get_connection_pool(True))


class DatabasePrivateAPITests(TestCase):
    def test_connection_has_the_health_check_attributes_and_steps(self):
        connection.ensure_connection()
        for name in ("health_check_enabled", "health_check_done", "in_atomic_block"):
            self.assertTrue(hasattr(connection, name), name)
        for name in (
            "validate_thread_sharing",
            "close_if_health_check_failed",
            "ensure_connection",  # @async_unsafe hides its signature: (self)
        ):
            self.assertTrue(callable(getattr(connection, name)), name)
        for name in ("make_cursor", "make_debug_cursor"):
            self.assertEqual(
                parameters(getattr(BaseDatabaseWrapper, name)), ["self", "cursor"]
            )
        for name in ("wrap_database_errors", "timezone"):
            self.assertIsInstance(
                inspect.getattr_static(BaseDatabaseWrapper, name), cached_property
            )
        self.assertIsInstance(
            inspect.getattr_static(BaseDatabaseWrapper, "queries_logged"), property
        )

    def test_a_query_stands_in_for_the_health_check_once(self):
        reused = SimpleNamespace(
            connection=object(),
            health_check_enabled=True,
            health_check_done=False,
            in_atomic_block=False,
        )
        stands_in = django_private.query_stands_in_for_health_check
        self.assertIs(stands_in(reused), True)
        self.assertIs(reused.health_check_done, True)
        self.assertIs(stands_in(reused), False)
        # Django checks neither inside a transaction nor a new connection.
        self.assertIs(stands_in(connection), False)

    def test_preparable_cursor_is_a_counted_django_cursor(self):
        with (
            self.assertNumQueries(1),
            django_private.preparable_cursor(connection) as c,
        ):
            c.execute("SELECT 1")
            self.assertEqual(c.fetchone()[0], 1)

    @unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only")
    def test_preparable_cursor_binds_on_the_server(self):
        self.assertTrue(
            issubclass(postgresql_base.ServerBindingCursor, postgresql_base.CursorMixin)
        )
        self.assertEqual(postgresql_base.TIMESTAMPTZ_OID, 1184)
        self.assertEqual(parameters(psycopg_any.register_tzloader), ["tz", "context"])
        with django_private.preparable_cursor(connection) as cursor:
            self.assertIsInstance(cursor.cursor, postgresql_base.ServerBindingCursor)

    def test_columns_come_with_the_orms_converters(self):
        field = Article._meta.get_field("publish_at")
        col, functions = django_private.column_and_converters(field, "a", connection)
        self.assertIsInstance(col, Col)
        self.assertEqual(col.alias, "a")
        expected = connection.ops.get_db_converters(col) + col.get_db_converters(
            connection
        )
        self.assertEqual(functions, tuple(expected))
        for function in functions:
            self.assertEqual(len(parameters(function)), 3, function)


class TransactionInternalsTests(TestCase):
    def test_commit_callbacks_are_listed_on_the_connection(self):
        from django.db import transaction

        from newsroom.django_private import commit_callbacks

        def callback():
            pass

        with transaction.atomic():
            self.assertNotIn(callback, commit_callbacks())
            transaction.on_commit(callback)
            self.assertIs(commit_callbacks()[-1], callback)
            self.assertEqual(len(transaction.get_connection().run_on_commit[-1]), 3)

    def test_the_callbacks_version_moves_only_when_callbacks_are_dropped(self):
        from django.db import transaction

        from newsroom.django_private import commit_callbacks_version

        with transaction.atomic():
            transaction.on_commit(print)
            kept = commit_callbacks_version()
            transaction.on_commit(print)
            self.assertIs(commit_callbacks_version(), kept)  # appended
            try:
                with transaction.atomic():
                    transaction.on_commit(print)
                    raise RuntimeError
            except RuntimeError:
                pass
            self.assertIsNot(commit_callbacks_version(), kept)  # dropped


class LoggingInternalsTests(SimpleTestCase):
    def test_a_response_marked_logged_is_not_logged_again(self):
        from django.http import HttpRequest, HttpResponse
        from django.utils.log import log_response

        response = HttpResponse(status=503)
        django_private.mark_response_logged(response)
        with self.assertNoLogs("django.request"):
            log_response("%s", "again", response=response, request=HttpRequest())
        unmarked = HttpResponse(status=503)
        with self.assertLogs("django.request", level="ERROR"):
            log_response("%s", "once", response=unmarked, request=HttpRequest())
        self.assertIs(unmarked._has_been_logged, True)

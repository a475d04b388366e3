"""Every use of Django's private API in Newsroom, in one place.

Django may change anything that is not documented in any release, without a
deprecation period. Application modules call the functions below instead of
reaching into Django themselves, and newsroom/test_django_private.py checks
that each name relied on still exists, with the signature relied on, so that
a Django upgrade which changes one fails that test loudly, naming it, rather
than slowing down or breaking the site quietly.

Checked against Django 5.2.19 and 6.1.3 (`make test` and `make test-next`).

The Redis cache (django.core.cache.backends.redis):

- `RedisCache._class`, the client class its `_cache` property builds, and
  `RedisCache._cache`, that client (a `RedisCacheClient`, built once per
  cache): `use_client_class()` swaps the class; `redis_client()` returns the
  client's `get_client(write=True)`, a `redis.Redis`, for what Django's cache
  API cannot do in one round trip (read counting's Lua script and hash,
  related/counting.py; the test runner's per-worker `clear()`).
- `RedisCacheClient._get_connection_pool_index(write)`,
  `RedisCacheClient._get_connection_pool(write)` and `RedisCacheClient._client`
  (the `redis.Redis` class): `SharedClientRedisCacheClient` keeps one client per
  connection pool, where Django builds a new one on every call
  (newsroom/cache.py says why).

Transactions:

- `commit_callbacks()`: `BaseDatabaseWrapper.run_on_commit`, the
  list of `(savepoint ids, function, robust)` that `transaction.on_commit()`
  appends to: related/signals.py keeps one batch of changed articles per
  transaction, and starts a new one when no callback of the last is waiting
  (Django's TestCase.captureOnCommitCallbacks reads the same list).
- `commit_callbacks_version()`: that list itself, for its identity. Django appends
  to it in place and replaces it whenever it drops callbacks (a rollback,
  a savepoint's rollback, the commit that runs them), so an unchanged
  identity means no callback was dropped: related/signals.py asks that
  first, for every article saved, instead of scanning a list that a large
  import grows to tens of thousands of entries.

The article page's query, prepared on PostgreSQL (reading/page_query.py):

- `query_stands_in_for_health_check()`: the connection attributes
  `health_check_enabled` and `health_check_done` (set in
  `BaseDatabaseWrapper.__init__`, used by `close_if_health_check_failed()`).
- `preparable_cursor()`: Django's `ServerBindingCursor`
  (django.db.backends.postgresql.base), `TIMESTAMPTZ_OID` and
  `psycopg_any.register_tzloader` (as `DatabaseWrapper.create_cursor()` uses
  them), and the wrapper's `validate_thread_sharing()`,
  `close_if_health_check_failed()`, `ensure_connection()`,
  `wrap_database_errors`, `timezone`, `queries_logged`, `make_debug_cursor()`
  and `make_cursor()`: the steps of `BaseDatabaseWrapper._cursor()`, which has
  no parameter for the cursor class.
- `column_and_converters()`: `Field.get_col()`, the `Col` expression's
  `get_db_converters()` and `connection.ops.get_db_converters()`, the
  converters the ORM applies to each column of a row it reads.

Logging:

- `mark_response_logged()`: the `_has_been_logged` attribute of a response,
  which `django.utils.log.log_response()` checks before logging a 4xx or 5xx
  answer and sets after: the page cache logs a 503 for an unreachable
  database as one line of its own, with the cause (reading/pagecache.py).

No longer used: the test runner once wrapped `django.test.runner._init_worker`
and read `_worker_id` to give each parallel worker its own cache keys; it now
uses the public `KEY_FUNCTION` cache setting with the process id instead.
"""

try:
    from psycopg.pq import Format

    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
except ImportError:  # psycopg is not installed: SQLite only
    ServerBindingCursor = None


# The Redis cache ---------------------------------------------------------------


def use_client_class(redis_cache, client_class):
    """Have `redis_cache` (a RedisCache) build its client from `client_class`."""
    redis_cache._class = client_class


def redis_client(redis_cache):
    """Return the `redis.Redis` client `redis_cache` writes through."""
    return redis_cache._cache.get_client(write=True)


def connection_pool_index(cache_client, *, write):
    """Return which server's connection pool `cache_client` uses for a call."""
    return cache_client._get_connection_pool_index(write)


def new_redis_client(cache_client, *, write):
    """Return a new `redis.Redis` on the connection pool `cache_client` picks."""
    pool = cache_client._get_connection_pool(write)
    return cache_client._client(connection_pool=pool)


# The article page's query --------------------------------------------------------


def query_stands_in_for_health_check(connection):
    """Return True, and mark the check done, if Django would check this reused
    connection with a `SELECT 1` before the next query: the caller's query is
    then the check, and must run again on a new connection if it fails.
    """
    if (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    ):
        connection.health_check_done = True
        return True
    return False


def preparable_cursor(connection):
    """Return a Django cursor that psycopg may prepare statements on
    (server-side binding), on PostgreSQL; elsewhere `connection.cursor()`.

    It is wrapped like any of Django's cursors, so query logging, counting
    (assertNumQueries) and error wrapping work as usual.
    """
    if connection.vendor != "postgresql" or ServerBindingCursor is None:
        return connection.cursor()
    connection.validate_thread_sharing()
    connection.close_if_health_check_failed()  # done already, unless checks are on
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
        # As Django's own cursors: read times in the connection's time zone.
        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def column_and_converters(field, alias, connection):
    """Return `field`'s column in table `alias` and the functions, each called
    as `function(value, column, connection)`, that turn its database value
    into the model's, as the ORM applies them."""
    col = field.get_col(alias)
    functions = connection.ops.get_db_converters(col)
    functions += col.get_db_converters(connection)
    return col, tuple(functions)


# Transactions ---------------------------------------------------------------


def commit_callbacks(using=None):
    """Return the functions waiting to run when the current transaction
    commits (registered with `transaction.on_commit`), in order."""
    from django.db import transaction

    return [entry[1] for entry in transaction.get_connection(using).run_on_commit]


def commit_callbacks_version(using=None):
    """Return a token that stays the same (`is`) while no waiting commit
    callback has been dropped (rolled back or run); appending keeps it.

    The token is the list itself, not its id(): holding it keeps a replaced
    list alive, so that a new list can never reuse its address. Never change
    it."""
    from django.db import transaction

    return transaction.get_connection(using).run_on_commit


# Logging ------------------------------------------------------------------------


def mark_response_logged(response):
    """Keep Django from logging `response` again ("Service Unavailable: /path"),
    when the application logged it already: `response._has_been_logged`, which
    `django.utils.log.log_response()` checks and sets."""
    response._has_been_logged = True

"""The article page's one query, with its SQL built once per process.

An uncached article page reads one row: the article, its lead image and its
display data (`Article.objects.live().for_article_page().get(slug=...)`).
Django's ORM takes longer to build that query's SQL and its model instances
than PostgreSQL takes to answer it: about a third of the page's time. The
query's shape never changes, only the slug and the time, so
`live_article_for_page()` builds the SQL and the column converters once, from
the models' own metadata, and makes the same instances the ORM would: the
article with its lead image and display data attached, its search columns
deferred. Tests compare the two field by field (reading/tests/test_page_query.py).

On PostgreSQL the query is sent with its parameters apart (server-side
binding), so that psycopg prepares it on each connection after a few runs
(`prepare_threshold`, set in newsroom/settings.py unless
DATABASE_PREPARED_STATEMENTS is false): PostgreSQL then plans it once per
connection instead of on every request, where planning took longer than
running it (0.3 ms instead of 1.0 ms per query on the benchmark machine).
Django's own queries keep client-side binding.

The query also stands in for Django's connection health check (a `SELECT 1`
before a request's first query when CONN_HEALTH_CHECKS is on): it is the
page's only query, so if it finds the reused connection dead it runs again
on a new one (`_fetch_row`).

Its visibility condition is not written here: the ORM compiles it from
`live_q()` (`_visibility_condition`). The Django internals it needs (the
preparable cursor, the health-check flags, column converters) are reached
through newsroom/django_private.py, whose tests fail when Django changes them.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.db import InterfaceError, OperationalError, connections, router
from django.utils import timezone

from articles import models as articles_models
from articles.models import SEARCH_COLUMNS, Article, ArticleDisplayData
from images.models import Image
from newsroom.django_private import (
    column_and_converters,
    preparable_cursor,
    query_stands_in_for_health_check,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One model's columns in the row: where they are and how to read them."""

    model: type
    attnames: tuple
    converters: tuple  # per field: its column and the functions that read it
    start: int

    def instance(self, connection, row):
        values = row[self.start : self.start + len(self.attnames)]
        if any(functions for _, functions in self.converters):
            values = [
                _convert(value, col, functions, connection)
                for value, (col, functions) in zip(values, self.converters, strict=True)
            ]
        return self.model.from_db(connection.alias, self.attnames, values)


def _convert(value, col, functions, connection):
    for function in functions:
        value = function(value, col, connection)
    return value


@dataclass(frozen=True)
class Statement:
    sql: str
    article: Part
    image: Part
    display: Part
    rule_params: tuple  # the visibility rule's parameters, `now` as a marker
    now_at: tuple  # where `now` goes in them

    def params(self, slug, now):
        params = [slug, *self.rule_params]
        for index in self.now_at:
            params[1 + index] = now
        return params


# Stands for "now" while the rule's SQL is built: a time no article has.
NOW_MARKER = datetime(9999, 12, 30, 23, 59, 59, 424242, tzinfo=UTC)


def _visibility_condition(connection, alias):
    """Return the SQL of `Article.objects.live()`'s condition on the table
    named `alias`, its parameters, and the positions of the current time
    among them: built from `live_q()` by the ORM, never restated here."""
    query = Article.objects.filter(articles_models.live_q(now=NOW_MARKER)).query
    where = query.where.relabeled_clone({Article._meta.db_table: alias})
    sql, params = query.get_compiler(connection=connection).compile(where)
    marker = _time_param(NOW_MARKER, connection)
    now_at = tuple(n for n, param in enumerate(params) if param == marker)
    if not now_at:
        raise ValueError("The visibility rule does not depend on the time.")
    return sql, tuple(params), now_at


def _time_param(moment, connection):
    return Article._meta.get_field("publish_at").get_db_prep_value(moment, connection)


@lru_cache(maxsize=32)
def _statement(connection):
    """Return the query's SQL and how to read its row, for `connection`."""
    quote = connection.ops.quote_name
    tables = (
        (Article, "a", _fields(Article, leave_out=SEARCH_COLUMNS)),
        (Image, "i", _fields(Image)),
        (ArticleDisplayData, "d", _fields(ArticleDisplayData)),
    )
    parts, columns, start = [], [], 0
    for model, alias, fields in tables:
        converters = []
        for field in fields:
            converters.append(column_and_converters(field, alias, connection))
            columns.append(f"{alias}.{quote(field.column)}")
        attnames = tuple(field.attname for field in fields)
        parts.append(Part(model, attnames, tuple(converters), start))
        start += len(fields)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    # Live: the condition of `live_q()`, compiled by the ORM for alias "a".
    visible, rule_params, now_at = _visibility_condition(connection, "a")

    # Only quoted names from the models go into the text; values are parameters.
    sql = (
        f"SELECT {', '.join(columns)}"  # noqa: S608
        f" FROM {quote(Article._meta.db_table)} a"
        f" LEFT OUTER JOIN {quote(Image._meta.db_table)} i"
        f" ON a.{column(Article, 'lead_image')} = i.{column(Image, 'id')}"
        f" LEFT OUTER JOIN {quote(ArticleDisplayData._meta.db_table)} d"
        f" ON a.{column(Article, 'id')} = d.{column(ArticleDisplayData, 'article')}"
        f" WHERE a.{column(Article, 'slug')} = %s AND {visible}"
    )
    return Statement(sql, *parts, rule_params, now_at)


def _fields(model, *, leave_out=()):
    return [f for f in model._meta.concrete_fields if f.attname not in leave_out]


def live_article_for_page(slug):
    """Return the live article with this slug as its page shows it, or None.

    What `Article.objects.live().for_article_page().filter(slug=slug).first()`
    returns, in one query whose SQL is built once per process.
    """
    connection = connections[router.db_for_read(Article)]
    statement = _statement(connection)
    params = statement.params(slug, _time_param(timezone.now(), connection))
    row = _fetch_row(connection, statement.sql, params)
    if row is None:
        return None
    article = statement.article.instance(connection, row)
    if article.lead_image_id is None:
        Article.lead_image.field.set_cached_value(article, None)
    else:
        article.lead_image = statement.image.instance(connection, row)
    if row[statement.display.start] is None:
        Article.display_data.related.set_cached_value(article, None)
    else:
        article.display_data = statement.display.instance(connection, row)
    return article


def _fetch_row(connection, sql, params):
    """Run the query and return its row, or None.

    With CONN_HEALTH_CHECKS, Django checks a reused connection with a
    `SELECT 1` before a request's first query, so that a database restart
    fails no request. This query is the article page's only one, so it is
    its own check: if the reused connection turns out dead, the query runs
    again on a new connection. Readers get the page either way, one round
    trip sooner.
    """
    checking = query_stands_in_for_health_check(connection)
    try:
        return _run(connection, sql, params)
    except (InterfaceError, OperationalError):
        if not checking:
            raise
        logger.info("The reused database connection was unusable; reconnecting")
        connection.close()
        return _run(connection, sql, params)


def _run(connection, sql, params):
    with preparable_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()

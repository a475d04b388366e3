"""Full-text search over live articles.

PostgreSQL ranks with its own full-text search over the stored, weighted
`search_vector` (headline weighs most, then standfirst, then body; see
migration 0005). SQLite uses an FTS5 table with BM25 weights in the same order.
Any text a reader types is safe: it is cleaned, capped and passed as data, never
as query syntax the database could reject.
"""

import html
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"  # Must match the trigger in migration 0005.
MAX_QUERY_LENGTH = 200
# Only the newest matches are ranked, so that a common word costs the same in
# a large archive as in a small one. News readers want recent stories first.
MAX_RANKED = 1000
MAX_TERMS = 12
# SQLite: BM25 with column weights for headline, standfirst and body. The query
# is always a parameter; these strings hold no reader input.
FTS_RANK_SQL = (
    "SELECT -bm25(articles_article_fts, 10.0, 4.0, 1.0) FROM articles_article_fts "
    "WHERE articles_article_fts MATCH %s "
    "AND articles_article_fts.rowid = articles_article.id"
)
FTS_MATCH_SQL = (
    "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
)
WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(text):
    """Return the query as a reader meant it: no control characters, capped."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def parse_query(text):
    """Split a query into (wanted, unwanted) lists of word tuples.

    A quoted part is a phrase; a leading "-" excludes a word or phrase.
    """
    wanted, unwanted = [], []
    for match in TOKEN.finditer(clean_query(text).lower()):
        negative = bool(match.group(1) or match.group(3))
        words = tuple(WORD.findall(match.group(2) or match.group(4) or ""))
        if not words or words in wanted or words in unwanted:
            continue
        (unwanted if negative else wanted).append(words)
    return wanted[:MAX_TERMS], unwanted[:MAX_TERMS]


def query_terms(text):
    """Return the distinct words a reader is looking for, for highlighting."""
    terms = []
    for words in parse_query(text)[0]:
        terms += [word for word in words if word not in terms]
    return terms


def search_articles(queryset, text):
    """Return the articles of `queryset` matching `text`, best match first.

    Each result carries a `search_rank` (higher is better).
    """
    text = clean_query(text)
    if not query_terms(text):
        return queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, text)
    return _search_sqlite(queryset, text)


def match_q(text):
    """Return a Q object for the articles matching `text` (the search index,
    not a scan of every row), or None if it has no words to look for."""
    text = clean_query(text)
    if not query_terms(text):
        return None
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return Q(search_vector=query)
    return Q(pk__in=RawSQL(FTS_MATCH_SQL, [fts5_expression(text)]))  # noqa: S611


def _search_postgresql(queryset, text):
    # websearch syntax accepts anything a person types: quotes, -, or.
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return (
        queryset.filter(pk__in=_newest(queryset.filter(search_vector=query)))
        .annotate(search_rank=SearchRank(F("search_vector"), query))
        .order_by("-search_rank", "-publish_at", "-pk")
    )


def _newest(matches):
    return matches.order_by("-publish_at", "-pk").values("pk")[:MAX_RANKED]


def fts5_expression(text):
    """Return an FTS5 query for the reader's text; words only ever quoted."""
    wanted, unwanted = parse_query(text)

    def phrase(words):
        return '"' + " ".join(words) + '"'

    expression = " ".join(phrase(words) for words in wanted)
    if len(wanted) > 1 and unwanted:
        expression = f"({expression})"
    for words in unwanted:
        expression += f" NOT {phrase(words)}"
    return expression


def _search_sqlite(queryset, text):
    match = fts5_expression(text)
    rank = RawSQL(FTS_RANK_SQL, [match], output_field=FloatField())  # noqa: S611
    matching = RawSQL(FTS_MATCH_SQL, [match])  # noqa: S611
    return (
        queryset.filter(pk__in=_newest(queryset.filter(pk__in=matching)))
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-publish_at", "-pk")
    )


def highlight(text, terms, *, length=None):
    """Return escaped text with the query's words marked; a window if `length`."""
    text = text or ""
    if not terms:
        return text[:length] if length else text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(_stem(t)) for t in terms) + r")\w*",
        re.IGNORECASE,
    )
    if length and len(text) > length:
        found = pattern.search(text)
        start = max(0, (found.start() if found else 0) - length // 3)
        end = start + length
        text = (
            ("…" if start else "")
            + text[start:end].strip()
            + ("…" if end < len(text) else "")
        )
    escaped = html.escape(text, quote=False)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


def _stem(term):
    """Return a crude stem so that "talks" also marks "talk" and "talked"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(term) > len(suffix) + 3 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term


# SQLite rebuilds a table to alter it, dropping its triggers: after every
# migration, put back any that are missing (see migration 0005).
SQLITE_TRIGGERS = {
    "articles_article_fts_insert": """
        CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article
        BEGIN
          INSERT INTO articles_article_fts(rowid, headline, standfirst, body_text)
          VALUES (new.id, new.headline, new.standfirst, new.body_text);
        END""",
    "articles_article_fts_delete": """
        CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article
        BEGIN
          INSERT INTO articles_article_fts(articles_article_fts, rowid, headline,
            standfirst, body_text)
          VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
        END""",
    "articles_article_fts_update": """
        CREATE TRIGGER articles_article_fts_update AFTER UPDATE ON articles_article
        BEGIN
          INSERT INTO articles_article_fts(articles_article_fts, rowid, headline,
            standfirst, body_text)
          VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
          INSERT INTO articles_article_fts(rowid, headline, standfirst, body_text)
          VALUES (new.id, new.headline, new.standfirst, new.body_text);
        END""",
}


def repair_sqlite_index(using="default", **kwargs):
    """Recreate missing FTS5 triggers on SQLite and rebuild the index then."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table')"
        )
        existing = {row[0] for row in cursor.fetchall()}
        if "articles_article_fts" not in existing:
            return  # Migration 0005 has not run yet.
        missing = [name for name in SQLITE_TRIGGERS if name not in existing]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing:
            cursor.execute(
                "INSERT INTO articles_article_fts(articles_article_fts) "
                "VALUES ('rebuild')"
            )

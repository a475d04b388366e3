"""In-process measurements for `make bench`, on the database in DATABASE_URL.

Run by bench/run.py with the production environment and DJANGO_SETTINGS_MODULE
set to bench.settings (and the page cache off when the site has the switch).
Prints one JSON object on stdout:

- `paths`: the pages the load test requests (several live articles, the
  largest section, the most used tag, the author with most bylines, a full
  archive month, the search page) and ids for the view beacon;
- `render`: the time to render an article page through the whole Django stack
  (test client, every middleware, no page cache), median of many renders
  rotating over the same articles, and the SQL queries of one render;
- `search`: the time of `search_articles(Article.objects.live(), q)[:20]` over a
  fixed list of queries, median and 95th percentile;
- `pages`: the uncached render time and SQL queries of every page type.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from taggit.models import TaggedItem  # noqa: E402

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article, ArticleAuthor, Author  # noqa: E402
from articles.search import search_articles  # noqa: E402
from sections.models import Section  # noqa: E402

# The same queries at every size: single words common and rare, two words,
# phrases, an exclusion, a word no article has, and a hostile long query.
SEARCH_QUERIES = [
    "minister",
    "government",
    "sanctions",
    "ceasefire",
    "election",
    "inflation",
    "monsoon",
    "extradition",
    "Nairobi",
    "interest rates",
    "trade pact",
    "border dispute",
    "central bank",
    "climate summit",
    '"peace deal"',
    '"security council"',
    '"supply chain"',
    "sanctions -russia",
    "xylophonist",
    "the " * 700,
]
# The search page of the load test asks for this common word.
SEARCH_PAGE_QUERY = "minister"
ARTICLES = 20
HOST = "127.0.0.1"


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def article_sample(n):
    """Return `n` live articles: half the newest, half spread over the archive."""
    live = Article.objects.live().newest_first().select_related("section")
    total = live.count()
    newest = list(live[: n // 2])
    step = max(total // (n - len(newest)), 1)
    spread = [live[i * step] for i in range(n - len(newest)) if i * step < total]
    seen, sample = set(), []
    for article in newest + spread:
        if article.pk not in seen:
            seen.add(article.pk)
            sample.append(article)
    return sample, total


def pick_paths(articles):
    live = Article.objects.live()
    section = (
        Section.objects.filter(articles__in=live)
        .annotate(n=Count("articles"))
        .order_by("-n", "pk")
        .first()
    )
    article_type = ContentType.objects.get_for_model(Article)
    top_tag = (
        TaggedItem.objects.filter(content_type=article_type)
        .values("tag__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__slug")
        .first()
    )
    author_id = (
        ArticleAuthor.objects.values("author")
        .annotate(n=Count("pk"))
        .order_by("-n", "author")
        .values_list("author", flat=True)
        .first()
    )
    # The month before the newest article's: a whole month of the archive.
    newest = articles[0].publish_at
    year, month = (
        (newest.year, newest.month - 1)
        if newest.month > 1
        else (
            newest.year - 1,
            12,
        )
    )
    return {
        "front": "/",
        "section": section.get_absolute_url() if section else None,
        "articles": [article.get_absolute_url() for article in articles],
        "article_ids": [article.pk for article in articles],
        "tag": (
            reverse("articles:tag", kwargs={"slug": top_tag["tag__slug"]})
            if top_tag
            else None
        ),
        "author": (
            Author.objects.get(pk=author_id).get_absolute_url() if author_id else None
        ),
        "search": f"/search/?q={SEARCH_PAGE_QUERY}",
        "archive_month": f"/archive/{year:04d}/{month:02d}/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "beacon": reverse("related:view-beacon"),
    }


def measure_render(paths, renders, warmup):
    client = Client(HTTP_HOST=HOST)
    sizes = []
    # Every article once first: the first render of a page in a process
    # fills what it keeps (sections, the menu, static addresses).
    for path in paths * warmup:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}, not 200")
        sizes.append(len(response.content))
    query_counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        query_counts.append(len(queries.captured_queries))
    times = []
    for i in range(renders):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        sizes.append(len(response.content))
    return {
        "renders": renders,
        "articles": len(paths),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "queries": query_counts[0],
        "queries_min": min(query_counts),
        "queries_max": max(query_counts),
        "page_bytes": int(statistics.median(sizes)),
    }


PAGE_KEYS = [
    ("front", "Front page"),
    ("section", "Section front"),
    ("article", "Article page"),
    ("tag", "Tag page"),
    ("author", "Author page"),
    ("search", "Search page"),
    ("archive_month", "Archive month"),
    ("feed", "RSS feed"),
    ("sitemap", "Sitemap index"),
]


def measure_pages(paths, renders):
    """Return the uncached render time and SQL queries of each page type."""
    client = Client(HTTP_HOST=HOST)
    pages = {}
    for key, label in PAGE_KEYS:
        path = paths["articles"][0] if key == "article" else paths.get(key)
        if not path:
            continue
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}, not 200")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        query_count = len(queries.captured_queries)  # before the log is reset
        times = []
        for _ in range(renders):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        pages[key] = {
            "label": label,
            "median_ms": statistics.median(times) * 1000,
            "queries": query_count,
        }
    return pages


def measure_search(passes):
    live = Article.objects.live()
    for query in SEARCH_QUERIES:  # warm-up: PostgreSQL's buffers and plans
        list(search_articles(live, query)[:20])
    times, per_query = [], {}
    for _ in range(passes):
        for query in SEARCH_QUERIES:
            started = time.perf_counter()
            hits = len(list(search_articles(live, query)[:20]))
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            label = query if len(query) < 40 else f"{query[:12]}… ({len(query)} chars)"
            per_query.setdefault(label, {"hits": hits, "ms": []})["ms"].append(
                elapsed * 1000
            )
    slowest = max(per_query.items(), key=lambda item: statistics.median(item[1]["ms"]))
    return {
        "queries": len(SEARCH_QUERIES),
        "passes": passes,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "slowest": {"query": slowest[0], "ms": statistics.median(slowest[1]["ms"])},
        "per_query": {
            label: {"hits": data["hits"], "median_ms": statistics.median(data["ms"])}
            for label, data in per_query.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--search-passes", type=int, default=3)
    parser.add_argument("--page-renders", type=int, default=3)
    args = parser.parse_args()
    articles, live_count = article_sample(ARTICLES)
    if not articles:
        raise SystemExit("No live article in the database: nothing to measure.")
    paths = pick_paths(articles)
    result = {
        "articles_total": Article.objects.count(),
        "articles_live": live_count,
        "paths": paths,
        "render": measure_render(paths["articles"], args.renders, warmup=2),
        "search": measure_search(args.search_passes),
        "pages": measure_pages(paths, args.page_renders),
        "page_renders": args.page_renders,
        "database": connection.vendor,
        "database_version": _database_version(),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


def _database_version():
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    main()

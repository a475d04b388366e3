"""Every public page type runs a small, constant number of SQL queries,
however many articles, tags, authors and related items there are."""

import unittest
from datetime import timedelta

from taggit.models import Tag

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section
from related import counting
from related.models import DailyViewCount
from related.ranking import refresh_related


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.article = make_article(
            "Talks begin",
            section=cls.world,
            tags=["China"],
            authors=[cls.author],
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 9)),
        )
        for n in range(3):
            earlier = make_article(
                f"Earlier talks {n}",
                section=cls.world,
                tags=["China"],
                authors=[cls.author],
                publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 8, n)),
            )
            DailyViewCount.objects.create(
                article=earlier, day=timezone.localdate(), views=n + 1
            )

    def paths(self):
        return [
            "/",
            "/world/",
            self.article.get_absolute_url(),
            "/tag/china/",
            "/author/mara-lindqvist/",
            "/archive/2023/",
            "/archive/2023/06/",
            "/archive/2023/06/18/",
            "/search/?q=talks",
            "/feed/",
            "/feed/tag/china/",
            "/sitemap.xml",
            "/sitemap-articles.xml",
            "/news-sitemap.xml",
        ]

    def count_queries(self):
        cache.clear()
        counting.flush()
        for article in Article.objects.live():
            refresh_related(article)
        counts = {}
        for path in self.paths():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(path)
            self.assertEqual(response.status_code, 200, path)
            counts[path] = len(queries)
        return counts

    def test_query_counts_do_not_grow_with_the_archive(self):
        small = self.count_queries()
        sections = [self.world, make_section("Asia", slug="asia", parent=self.world)]
        authors = [make_author(f"Writer {n}") for n in range(5)]
        for n in range(40):
            article = make_article(
                f"Talks update {n}",
                section=sections[n % 2],
                tags=["China", f"Topic {n % 7}", f"Rare {n}"],
                authors=[self.author, authors[n % 5]],
                publish_at=timezone.make_aware(
                    timezone.datetime(2023, 6, 18, 10) + timedelta(minutes=n)
                ),
            )
            DailyViewCount.objects.create(
                article=article, day=timezone.localdate(), views=n + 1
            )
        large = self.count_queries()
        self.assertEqual(small, large)
        self.assertLessEqual(large[self.article.get_absolute_url()], 8)
        self.assertLessEqual(max(large.values()), 10)


@unittest.skipUnless(
    connection.vendor == "postgresql", "EXPLAIN checks need PostgreSQL"
)
class IndexUseTests(TestCase):
    """With sequential scans discouraged, every page query can use an index."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.article = make_article("Indexed", section=cls.section, tags=["China"])

    def plan(self, queryset):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def test_page_queries_use_indexes(self):
        live = Article.objects.live()
        queries = {
            "front page": live.order_by("-publish_at")[:10],
            "section front": live.filter(section=self.section).order_by("-publish_at")[
                :20
            ],
            "tag page": live.tagged(Tag.objects.get(slug="china")).order_by(
                "-publish_at"
            )[:20],
            "author page": live.filter(bylines__author_id=1).order_by("-publish_at")[
                :20
            ],
            "related list": self.article.related_entries.order_by("position"),
            "popular": DailyViewCount.objects.filter(day__gte=timezone.localdate()),
            "search": live.filter(search_vector="talks"),
        }
        for name, queryset in queries.items():
            with self.subTest(page=name):
                plan = self.plan(queryset)
                self.assertNotIn("Seq Scan on articles_article", plan, plan)
                self.assertIn("Index", plan, plan)

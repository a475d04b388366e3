import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap, AuthorSitemap, TagSitemap
from articles.testing import make_article, make_author, make_section

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


class SitemapTestMixin:
    def get_xml(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        return ET.fromstring(response.content)  # noqa: S314 (the site's own XML)

    def locations(self, url):
        return [loc.text for loc in self.get_xml(url).iterfind("sm:url/sm:loc", NS)]


class SitemapIndexTests(SitemapTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        make_article(age=timedelta(days=2))
        make_article(age=timedelta(days=1))
        make_article()

    def index_locations(self):
        root = self.get_xml("/sitemap.xml")
        self.assertEqual(root.tag, f"{{{NS['sm']}}}sitemapindex")
        return [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)]

    def test_index_lists_the_child_sitemaps(self):
        self.assertEqual(
            self.index_locations(),
            [
                "http://testserver/sitemap-articles.xml",
                "http://testserver/sitemap-sections.xml",
                "http://testserver/sitemap-tags.xml",
                "http://testserver/sitemap-authors.xml",
            ],
        )

    def test_index_lists_every_page_of_a_long_sitemap(self):
        with mock.patch.object(ArticleSitemap, "limit", 2):
            locations = self.index_locations()
        self.assertIn("http://testserver/sitemap-articles.xml?p=2", locations)
        self.assertNotIn("http://testserver/sitemap-articles.xml?p=3", locations)

    def test_index_counts_pages_of_tags_and_authors_with_live_articles_only(self):
        make_article(
            tags=["Alpha", "Beta"], authors=[make_author("One"), make_author("Two")]
        )
        make_article(
            tags=["Draft only"],
            authors=[make_author("Draft Writer")],
            status=Article.Status.DRAFT,
        )
        expected = {TagSitemap: "tags", AuthorSitemap: "authors"}
        for sitemap, name in expected.items():
            live = sitemap().items().count()
            self.assertEqual(sitemap().count_items(), live)
            with self.subTest(sitemap=name), mock.patch.object(sitemap, "limit", 1):
                locations = self.index_locations()
            self.assertIn(f"http://testserver/sitemap-{name}.xml?p={live}", locations)
            self.assertNotIn(
                f"http://testserver/sitemap-{name}.xml?p={live + 1}", locations
            )

    def test_index_gives_the_articles_sitemap_the_newest_modified_time(self):
        newest = Article.objects.latest("updated_at").updated_at
        root = self.get_xml("/sitemap.xml")
        lastmod = root.find("sm:sitemap/sm:lastmod", NS).text
        self.assertEqual(datetime.fromisoformat(lastmod), newest)


class ArticleSitemapTests(SitemapTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.oldest = make_article(section=cls.world, age=timedelta(days=3))
        cls.older = make_article(section=cls.world, age=timedelta(days=2))
        cls.newest = make_article(section=cls.world)
        cls.hidden = [
            make_article(section=cls.world, status=status)
            for status in [
                Article.Status.DRAFT,
                Article.Status.REVIEW,
                Article.Status.UNPUBLISHED,
            ]
        ]
        cls.hidden.append(
            make_article(
                section=cls.world, publish_at=timezone.now() + timedelta(hours=1)
            )
        )

    def url_of(self, article):
        return f"http://testserver{article.get_absolute_url()}"

    def test_sitemap_lists_live_articles_with_their_modified_date(self):
        root = self.get_xml("/sitemap-articles.xml")
        entries = {
            url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
            for url in root.iterfind("sm:url", NS)
        }
        self.assertEqual(
            entries,
            {
                self.url_of(article): article.updated_at.date().isoformat()
                for article in [self.oldest, self.older, self.newest]
            },
        )

    def test_drafts_unpublished_and_scheduled_articles_are_absent(self):
        locations = self.locations("/sitemap-articles.xml")
        for article in self.hidden:
            self.assertNotIn(self.url_of(article), locations)

    def test_sitemap_is_paginated_by_its_limit(self):
        with mock.patch.object(ArticleSitemap, "limit", 2):
            first = self.locations("/sitemap-articles.xml")
            second = self.locations("/sitemap-articles.xml?p=2")
            beyond = self.client.get("/sitemap-articles.xml?p=3")
        self.assertEqual(first, [self.url_of(self.oldest), self.url_of(self.older)])
        self.assertEqual(second, [self.url_of(self.newest)])
        self.assertEqual(beyond.status_code, 404)

    def test_default_limit_is_five_thousand(self):
        self.assertEqual(ArticleSitemap.limit, 5000)


class TagAndAuthorSitemapTests(SitemapTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mara = make_author("Mara Lindqvist")
        cls.quiet = make_author("Quiet Author")
        make_article(tags=["China", "El Niño"], authors=[cls.mara])
        make_article(
            tags=["Embargoed"], authors=[cls.quiet], status=Article.Status.DRAFT
        )
        make_article(
            tags=["Tomorrow"],
            authors=[cls.quiet],
            publish_at=timezone.now() + timedelta(hours=1),
        )

    def test_tag_sitemap_lists_only_tags_with_live_articles(self):
        self.assertEqual(
            self.locations("/sitemap-tags.xml"),
            ["http://testserver/tag/china/", "http://testserver/tag/el-ni%C3%B1o/"],
        )

    def test_author_sitemap_lists_only_authors_with_live_articles(self):
        self.assertEqual(
            self.locations("/sitemap-authors.xml"),
            ["http://testserver/author/mara-lindqvist/"],
        )


class NewsSitemapTests(SitemapTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.recent = make_article(
            "Talks & tension", section=cls.section, age=timedelta(hours=1)
        )
        cls.day_old = make_article(section=cls.section, age=timedelta(hours=47))
        cls.too_old = make_article(section=cls.section, age=timedelta(hours=49))
        cls.scheduled = make_article(
            section=cls.section, publish_at=timezone.now() + timedelta(hours=1)
        )
        cls.draft = make_article(
            section=cls.section, status=Article.Status.DRAFT, age=timedelta(hours=1)
        )

    def url_of(self, article):
        return f"http://testserver{article.get_absolute_url()}"

    def test_news_sitemap_lists_live_articles_of_the_last_48_hours(self):
        self.assertEqual(
            self.locations("/news-sitemap.xml"),
            [self.url_of(self.recent), self.url_of(self.day_old)],
        )

    def test_older_scheduled_and_draft_articles_are_absent(self):
        locations = self.locations("/news-sitemap.xml")
        for article in [self.too_old, self.scheduled, self.draft]:
            self.assertNotIn(self.url_of(article), locations)

    def test_entry_has_publication_date_and_title(self):
        root = self.get_xml("/news-sitemap.xml")
        news = root.find("sm:url/news:news", NS)
        published = news.find("news:publication_date", NS).text
        self.assertRegex(published, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(
            datetime.fromisoformat(published),
            self.recent.publish_at.astimezone(UTC).replace(microsecond=0),
        )
        self.assertEqual(news.find("news:title", NS).text, "Talks & tension")

    @override_settings(NEWSROOM_SITE_NAME="The Daily Example", LANGUAGE_CODE="en-gb")
    def test_publication_is_the_site_name_and_primary_language(self):
        root = self.get_xml("/news-sitemap.xml")
        publications = root.findall("sm:url/news:news/news:publication", NS)
        self.assertEqual(len(publications), 2)
        for publication in publications:
            self.assertEqual(
                publication.find("news:name", NS).text, "The Daily Example"
            )
            self.assertEqual(publication.find("news:language", NS).text, "en")

    @override_settings(LANGUAGE_CODE="de-at")
    def test_language_follows_the_language_setting(self):
        root = self.get_xml("/news-sitemap.xml")
        language = root.find("sm:url/news:news/news:publication/news:language", NS)
        self.assertEqual(language.text, "de")

    def test_news_sitemap_declares_the_sitemap_and_news_namespaces(self):
        content = self.client.get("/news-sitemap.xml").content.decode()
        self.assertIn('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', content)
        self.assertIn(
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"', content
        )
        self.assertEqual(self.get_xml("/news-sitemap.xml").tag, f"{{{NS['sm']}}}urlset")


class RobotsTxtTests(TestCase):
    def test_robots_txt_lists_both_sitemaps_and_the_private_paths(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("User-agent: *", lines)
        for path in ["/search/", "/preview/", "/admin/"]:
            self.assertIn(f"Disallow: {path}", lines)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Sitemap: http://testserver/news-sitemap.xml", lines)

    def test_sitemap_urls_follow_the_request_scheme_and_host(self):
        response = self.client.get(
            "/robots.txt", secure=True, headers={"host": "localhost"}
        )
        self.assertContains(response, "Sitemap: https://localhost/sitemap.xml")

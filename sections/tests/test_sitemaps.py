import xml.etree.ElementTree as ET
from datetime import timedelta

from django.test import TestCase

from articles.models import Article
from articles.testing import make_article, make_section

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class SectionSitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.empty = make_section("Empty", slug="empty")
        make_article(section=cls.world, age=timedelta(days=3))
        cls.asia_story = make_article(section=cls.asia)
        make_article(section=cls.empty, status=Article.Status.DRAFT)

    def entries(self):
        response = self.client.get("/sitemap-sections.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (the site's own XML)
        return {
            url.find("sm:loc", NS).text: getattr(
                url.find("sm:lastmod", NS), "text", None
            )
            for url in root.iterfind("sm:url", NS)
        }

    def test_sitemap_lists_every_section(self):
        self.assertEqual(
            set(self.entries()),
            {
                "http://testserver/world/",
                "http://testserver/asia/",
                "http://testserver/empty/",
            },
        )

    def test_lastmod_is_the_newest_live_change_in_or_below_the_section(self):
        entries = self.entries()
        newest = self.asia_story.updated_at.date().isoformat()
        self.assertEqual(entries["http://testserver/asia/"], newest)
        self.assertEqual(entries["http://testserver/world/"], newest)
        self.assertIsNone(entries["http://testserver/empty/"])

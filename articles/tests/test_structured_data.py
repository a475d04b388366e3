import json
import re
from io import StringIO

from django.core.management import call_command
from django.test import RequestFactory, TestCase

from articles.models import Article
from articles.previews import render_preview
from articles.testing import make_article, make_section

SEED_URL = "/world/2023/06/18/us-secretary-of-state-blinken-begins-talks-in-china/"


def json_ld_blocks(response):
    content = response.content.decode()
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', content, re.S
        )
    ]


class SeedArticleStructuredDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", "--no-accounts", stdout=StringIO())

    def setUp(self):
        self.response = self.client.get(SEED_URL)
        self.blocks = {block["@type"]: block for block in json_ld_blocks(self.response)}

    def test_news_article_fields(self):
        data = self.blocks["NewsArticle"]
        base = "http://testserver"
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(
            data["headline"], "US Secretary of State Blinken begins talks in China"
        )
        self.assertTrue(data["description"].startswith("Visit with tensions"))
        self.assertEqual(data["datePublished"], "2023-06-18T09:00:00+00:00")
        self.assertEqual(data["dateModified"], "2023-06-18T09:00:00+00:00")
        self.assertEqual(
            data["author"],
            [
                {
                    "@type": "Person",
                    "name": "Mara Lindqvist",
                    "url": f"{base}/author/mara-lindqvist/",
                }
            ],
        )
        self.assertEqual(data["publisher"]["@type"], "Organization")
        self.assertEqual(data["publisher"]["name"], "Newsroom")
        self.assertTrue(data["publisher"]["logo"]["url"].endswith("/static/logo.png"))
        self.assertEqual(
            data["mainEntityOfPage"], {"@type": "WebPage", "@id": base + SEED_URL}
        )
        self.assertEqual(data["articleSection"], "World News")
        self.assertEqual(
            data["keywords"],
            ["China", "United States", "Diplomacy", "Antony Blinken", "Taiwan"],
        )
        self.assertTrue(data["image"])

    def test_breadcrumbs_lead_from_home_through_section_to_article(self):
        items = self.blocks["BreadcrumbList"]["itemListElement"]
        self.assertEqual(
            [(i["position"], i["name"]) for i in items],
            [
                (1, "Newsroom"),
                (2, "World News"),
                (3, "US Secretary of State Blinken begins talks in China"),
            ],
        )
        self.assertEqual(items[-1]["item"], "http://testserver" + SEED_URL)

    def test_open_graph_twitter_canonical_and_description(self):
        for tag in [
            '<meta property="og:type" content="article">',
            f'<meta property="og:url" content="http://testserver{SEED_URL}">',
            '<meta property="article:section" content="World News">',
            '<meta property="article:tag" content="Antony Blinken">',
            '<meta property="article:published_time" '
            'content="2023-06-18T09:00:00+00:00">',
            # The seed article has a lead image: a large card.
            '<meta name="twitter:card" content="summary_large_image">',
            f'<link rel="canonical" href="http://testserver{SEED_URL}">',
        ]:
            with self.subTest(tag=tag):
                self.assertContains(self.response, tag, html=True)
        self.assertContains(self.response, '<meta name="description" content="Visit')


class StructuredDataEscapingTests(TestCase):
    def test_json_ld_cannot_close_its_script_element(self):
        article = make_article(
            "Headline </script><script>alert(1)</script>", section=make_section()
        )
        response = self.client.get(article.get_absolute_url())
        content = response.content.decode()
        self.assertNotIn("</script><script>alert(1)", content)
        data = json_ld_blocks(response)[0]
        self.assertEqual(data["headline"], article.headline)

    def test_preview_pages_have_no_structured_data(self):
        article = make_article(status=Article.Status.DRAFT, section=make_section())
        request = RequestFactory().get("/")
        response = render_preview(request, article).render()
        self.assertNotIn(b"application/ld+json", response.content)

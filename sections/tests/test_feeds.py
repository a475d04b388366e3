from datetime import timedelta

import feedparser

from django.test import TestCase
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section


class SectionFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(
            "World News", slug="world", description="Reporting from abroad."
        )
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.sport = make_section("Sport", slug="sport")
        make_article("World story", section=cls.world, age=timedelta(hours=3))
        make_article("Asia story", section=cls.asia, age=timedelta(hours=2))
        make_article("Sport story", section=cls.sport)
        make_article("World draft", section=cls.world, status=Article.Status.DRAFT)
        make_article(
            "Asia scheduled",
            section=cls.asia,
            publish_at=timezone.now() + timedelta(hours=1),
        )

    def parse(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        feed = feedparser.parse(response.content)
        self.assertIs(feed.bozo, False, feed.get("bozo_exception"))
        return feed

    def test_section_feed_includes_subsections_newest_first(self):
        expected = ["Asia story", "World story"]
        for url in ["/feed/section/world/", "/feed/section/world/atom/"]:
            with self.subTest(url=url):
                titles = [entry.title for entry in self.parse(url).entries]
                self.assertEqual(titles, expected)

    def test_subsection_feed_leaves_out_its_parent(self):
        titles = [e.title for e in self.parse("/feed/section/asia/").entries]
        self.assertEqual(titles, ["Asia story"])

    def test_section_feed_describes_the_section(self):
        feed = self.parse("/feed/section/world/atom/").feed
        self.assertEqual(feed.title, "World News · Newsroom")
        self.assertEqual(feed.link, "http://testserver/world/")
        self.assertEqual(feed.subtitle, "Reporting from abroad.")

    def test_entry_categories_name_the_articles_own_section(self):
        entry = self.parse("/feed/section/world/").entries[0]
        self.assertEqual([tag.term for tag in entry.tags], ["Asia"])

    def test_unknown_section_answers_404(self):
        self.assertEqual(self.client.get("/feed/section/nowhere/").status_code, 404)
        self.assertEqual(
            self.client.get("/feed/section/nowhere/atom/").status_code, 404
        )

    def test_section_page_links_the_section_feeds(self):
        response = self.client.get("/world/")
        self.assertContains(
            response,
            '<link rel="alternate" type="application/rss+xml"'
            ' title="World News · Newsroom" href="/feed/section/world/">',
            html=True,
        )
        self.assertContains(
            response,
            '<link rel="alternate" type="application/atom+xml"'
            ' title="World News · Newsroom (Atom)" href="/feed/section/world/atom/">',
            html=True,
        )


class SectionFeedQueryCountTests(TestCase):
    def test_number_of_queries_does_not_grow_with_articles(self):
        world = make_section("World News", slug="world")
        asia = make_section("Asia", slug="asia", parent=world)
        authors = [make_author("Mara Lindqvist"), make_author("Daniel Achterberg")]

        def add_articles(count):
            for _ in range(count):
                make_article(section=asia, tags=["China", "Diplomacy"], authors=authors)

        # Section, section tree, articles, bylines with authors, tags.
        add_articles(2)
        with self.assertNumQueries(5):
            self.client.get("/feed/section/world/")
        add_articles(5)
        with self.assertNumQueries(5):
            response = self.client.get("/feed/section/world/")
        self.assertEqual(len(feedparser.parse(response.content).entries), 7)

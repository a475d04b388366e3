from datetime import UTC, datetime, timedelta

import feedparser

from django.test import TestCase, override_settings
from django.utils import timezone

from articles.feeds import FEED_LENGTH
from articles.models import Article
from articles.testing import make_article, make_author, make_section


def entry_time(parsed):
    return datetime(*parsed[:6], tzinfo=UTC)


def to_the_second(value):
    return value.astimezone(UTC).replace(microsecond=0)


class FeedTestMixin:
    def parse(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        feed = feedparser.parse(response.content)
        self.assertIs(feed.bozo, False, feed.get("bozo_exception"))
        return feed

    def titles(self, url):
        return [entry.title for entry in self.parse(url).entries]


class LatestArticlesFeedTests(FeedTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.mara = make_author("Mara Lindqvist")
        cls.daniel = make_author("Daniel Achterberg")
        cls.older = make_article(
            "Older story", section=cls.world, age=timedelta(days=3)
        )
        cls.talks = make_article(
            "Blinken begins talks in China",
            section=cls.world,
            age=timedelta(hours=2),
            standfirst="The current mood is very tense.",
            body="<p>Opening paragraph.</p><h2>Dialogue with conditions</h2>",
            tags=["Diplomacy", "China"],
            authors=[cls.mara, cls.daniel],
        )
        cls.newest = make_article("Q&A: what the talks mean", section=cls.world)
        make_article("Draft story", section=cls.world, status=Article.Status.DRAFT)
        make_article("In review story", section=cls.world, status=Article.Status.REVIEW)
        make_article(
            "Unpublished story",
            section=cls.world,
            status=Article.Status.UNPUBLISHED,
        )
        make_article(
            "Scheduled story",
            section=cls.world,
            publish_at=timezone.now() + timedelta(hours=1),
        )

    def entry(self, url, article):
        feed = self.parse(url)
        return next(e for e in feed.entries if e.title == article.headline)

    def test_rss_and_atom_feeds_parse_as_their_format(self):
        self.assertEqual(self.parse("/feed/").version, "rss20")
        self.assertEqual(self.parse("/feed/atom/").version, "atom10")

    def test_entries_are_the_live_articles_newest_first(self):
        expected = [self.newest.headline, self.talks.headline, self.older.headline]
        self.assertEqual(self.titles("/feed/"), expected)
        self.assertEqual(self.titles("/feed/atom/"), expected)

    def test_drafts_in_review_unpublished_and_scheduled_articles_are_absent(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                content = self.client.get(url).content.decode()
                for headline in ["Draft", "In review", "Unpublished", "Scheduled"]:
                    self.assertNotIn(f"{headline} story", content)

    def test_feed_describes_the_site(self):
        feed = self.parse("/feed/atom/").feed
        self.assertEqual(feed.title, "Newsroom")
        self.assertEqual(feed.link, "http://testserver/")
        self.assertEqual(feed.subtitle, "The newest articles from Newsroom.")

    def test_entry_links_to_the_article_and_uses_the_short_url_as_id(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                entry = self.entry(url, self.talks)
                self.assertEqual(
                    entry.link, f"http://testserver{self.talks.get_absolute_url()}"
                )
                self.assertEqual(entry.id, f"http://testserver/a/{self.talks.pk}/")

    def test_entry_dates_are_publish_time_and_modified_time(self):
        rss_entry = self.entry("/feed/", self.talks)
        self.assertEqual(
            entry_time(rss_entry.published_parsed), to_the_second(self.talks.publish_at)
        )
        atom_entry = self.entry("/feed/atom/", self.talks)
        self.assertEqual(
            entry_time(atom_entry.published_parsed),
            to_the_second(self.talks.publish_at),
        )
        self.assertEqual(
            entry_time(atom_entry.updated_parsed), to_the_second(self.talks.updated_at)
        )

    def test_entry_names_every_author_in_byline_order(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                entry = self.entry(url, self.talks)
                self.assertEqual(
                    [author["name"] for author in entry.authors],
                    ["Mara Lindqvist", "Daniel Achterberg"],
                )

    def test_article_without_byline_has_no_author_of_its_own(self):
        self.assertNotIn("authors", self.entry("/feed/", self.older))

    def test_entry_categories_are_the_section_then_the_tags(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                entry = self.entry(url, self.talks)
                self.assertEqual(
                    [tag.term for tag in entry.tags],
                    ["World News", "China", "Diplomacy"],
                )

    def test_headline_is_not_escaped_twice(self):
        self.assertEqual(self.titles("/feed/")[0], "Q&A: what the talks mean")

    def test_description_is_the_standfirst_by_default(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                entry = self.entry(url, self.talks)
                self.assertEqual(entry.summary, "The current mood is very tense.")
                self.assertNotIn("Opening paragraph", entry.summary)

    @override_settings(NEWSROOM_FEED_FULL_TEXT=True)
    def test_full_text_setting_puts_the_body_in_the_description(self):
        for url in ["/feed/", "/feed/atom/"]:
            with self.subTest(url=url):
                entry = self.entry(url, self.talks)
                self.assertIn("<p>Opening paragraph.</p>", entry.summary)
                self.assertIn("<h2>Dialogue with conditions</h2>", entry.summary)

    def test_entries_have_no_enclosures_until_articles_have_lead_images(self):
        self.assertEqual(self.entry("/feed/atom/", self.talks).enclosures, [])


class FeedLengthTests(FeedTestMixin, TestCase):
    def test_feed_lists_the_newest_thirty_live_articles(self):
        section = make_section()
        articles = [
            make_article(f"Story {n}", section=section, age=timedelta(hours=n))
            for n in range(1, FEED_LENGTH + 3)
        ]
        expected = [article.headline for article in articles[:FEED_LENGTH]]
        self.assertEqual(FEED_LENGTH, 30)
        self.assertEqual(self.titles("/feed/"), expected)


class FeedQueryCountTests(TestCase):
    """The number of queries does not grow with the number of entries."""

    def add_articles(self, count):
        for _ in range(count):
            make_article(
                section=self.section,
                tags=["China", "Diplomacy"],
                authors=[self.mara, self.daniel],
            )

    def setUp(self):
        self.section = make_section("World News", slug="world")
        self.mara = make_author("Mara Lindqvist")
        self.daniel = make_author("Daniel Achterberg")

    def assert_constant_queries(self, url, queries):
        self.add_articles(2)
        with self.assertNumQueries(queries):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.add_articles(5)
        with self.assertNumQueries(queries):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_site_feed(self):
        # Articles, bylines with authors, tags.
        self.assert_constant_queries("/feed/", 3)

    def test_site_atom_feed(self):
        self.assert_constant_queries("/feed/atom/", 3)

    def test_tag_feed(self):
        # The tag and whether it has live articles, then as the site feed.
        self.assert_constant_queries("/feed/tag/china/", 5)

    def test_author_feed(self):
        self.assert_constant_queries("/feed/author/mara-lindqvist/", 4)


class TagFeedTests(FeedTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.older = make_article(
            "Older China story",
            section=cls.world,
            age=timedelta(days=1),
            tags=["China"],
        )
        cls.newer = make_article("Newer China story", section=cls.world, tags=["China"])
        make_article("Untagged story", section=cls.world)
        make_article("Sport story", section=cls.world, tags=["Sport"])
        make_article(
            "China draft",
            section=cls.world,
            tags=["China"],
            status=Article.Status.DRAFT,
        )
        make_article(
            "China scheduled",
            section=cls.world,
            tags=["China"],
            publish_at=timezone.now() + timedelta(hours=1),
        )
        make_article(
            "Secret draft",
            section=cls.world,
            tags=["Embargoed"],
            status=Article.Status.DRAFT,
        )

    def test_tag_feed_lists_the_live_articles_with_the_tag_newest_first(self):
        expected = ["Newer China story", "Older China story"]
        self.assertEqual(self.titles("/feed/tag/china/"), expected)
        self.assertEqual(self.titles("/feed/tag/china/atom/"), expected)

    def test_tag_feed_describes_the_tag(self):
        feed = self.parse("/feed/tag/china/").feed
        self.assertEqual(feed.title, "China · Newsroom")
        self.assertEqual(feed.link, "http://testserver/tag/china/")

    def test_tag_with_non_ascii_slug_has_a_feed(self):
        make_article("Pacific story", section=self.world, tags=["El Niño"])
        self.assertEqual(self.titles("/feed/tag/el-niño/"), ["Pacific story"])

    def test_unknown_tag_answers_404(self):
        self.assertEqual(self.client.get("/feed/tag/nothing/").status_code, 404)
        self.assertEqual(self.client.get("/feed/tag/nothing/atom/").status_code, 404)

    def test_tag_with_only_unpublished_articles_answers_404(self):
        self.assertEqual(self.client.get("/feed/tag/embargoed/").status_code, 404)
        self.assertEqual(self.client.get("/feed/tag/embargoed/atom/").status_code, 404)


class AuthorFeedTests(FeedTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.mara = make_author("Mara Lindqvist")
        cls.daniel = make_author("Daniel Achterberg")
        cls.quiet = make_author("Quiet Author")
        make_article(
            "Mara alone", section=cls.world, age=timedelta(days=1), authors=[cls.mara]
        )
        make_article("Together", section=cls.world, authors=[cls.daniel, cls.mara])
        make_article("Daniel alone", section=cls.world, authors=[cls.daniel])
        make_article(
            "Mara draft",
            section=cls.world,
            authors=[cls.mara],
            status=Article.Status.DRAFT,
        )
        make_article(
            "Quiet draft",
            section=cls.world,
            authors=[cls.quiet],
            status=Article.Status.DRAFT,
        )

    def test_author_feed_lists_their_live_articles_newest_first(self):
        expected = ["Together", "Mara alone"]
        self.assertEqual(self.titles("/feed/author/mara-lindqvist/"), expected)
        self.assertEqual(self.titles("/feed/author/mara-lindqvist/atom/"), expected)

    def test_shared_byline_keeps_every_author(self):
        entry = self.parse("/feed/author/mara-lindqvist/atom/").entries[0]
        self.assertEqual(
            [author["name"] for author in entry.authors],
            ["Daniel Achterberg", "Mara Lindqvist"],
        )

    def test_author_feed_describes_the_author(self):
        feed = self.parse("/feed/author/mara-lindqvist/").feed
        self.assertEqual(feed.title, "Mara Lindqvist · Newsroom")
        self.assertEqual(feed.link, "http://testserver/author/mara-lindqvist/")

    def test_author_without_live_articles_has_an_empty_feed(self):
        self.assertEqual(self.titles("/feed/author/quiet-author/"), [])

    def test_unknown_author_answers_404(self):
        self.assertEqual(self.client.get("/feed/author/nobody/").status_code, 404)
        self.assertEqual(self.client.get("/feed/author/nobody/atom/").status_code, 404)


class FeedAutodiscoveryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_author("Mara Lindqvist")
        make_article(tags=["China"], authors=[cls.author])

    def assert_feed_links(self, page_url, title, feed_url):
        response = self.client.get(page_url)
        self.assertContains(
            response,
            f'<link rel="alternate" type="application/rss+xml" title="{title}"'
            f' href="{feed_url}">',
            html=True,
        )
        self.assertContains(
            response,
            f'<link rel="alternate" type="application/atom+xml"'
            f' title="{title} (Atom)" href="{feed_url}atom/">',
            html=True,
        )

    def test_front_page_links_the_site_feeds(self):
        self.assert_feed_links("/", "Newsroom", "/feed/")

    def test_tag_page_links_the_tag_feeds(self):
        self.assert_feed_links("/tag/china/", "China · Newsroom", "/feed/tag/china/")

    def test_author_page_links_the_author_feeds(self):
        self.assert_feed_links(
            "/author/mara-lindqvist/",
            "Mara Lindqvist · Newsroom",
            "/feed/author/mara-lindqvist/",
        )

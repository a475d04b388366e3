from datetime import timedelta

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section
from related import counting
from related.models import CuratedLink, DailyViewCount
from related.ranking import refresh_related


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.second_author = make_author("Daniel Achterberg")
        cls.article = make_article(
            "Blinken begins talks in China",
            section=cls.world,
            kind=Article.Kind.NEWS,
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 9, 0)),
            standfirst="The current mood is very tense.",
            body="<p>Opening.</p><h2>Dialogue with conditions</h2>"
            "<blockquote><p>Mutual respect.</p></blockquote>",
            tags=["China", "Diplomacy"],
            authors=[cls.author, cls.second_author],
        )

    def test_article_page_shows_the_article_in_the_seed_shape(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<span class="kind">News</span>', html=True)
        self.assertContains(
            response,
            '<time datetime="2023-06-18T09:00:00+00:00">18 June 2023</time>',
            html=True,
        )
        self.assertContains(response, '<a href="/world/">World News</a>', html=True)
        self.assertContains(
            response,
            '<h1 class="article__headline">Blinken begins talks in China</h1>',
            html=True,
        )
        self.assertContains(response, "The current mood is very tense.")
        self.assertContains(response, "<h2>Dialogue with conditions</h2>", html=True)
        self.assertContains(
            response, "<blockquote><p>Mutual respect.</p></blockquote>", html=True
        )
        self.assertContains(
            response,
            '<a href="/author/mara-lindqvist/" rel="author">Mara Lindqvist</a>',
            html=True,
        )
        self.assertContains(response, 'href="/tag/china/"')
        self.assertContains(response, "Related posts")
        self.assertContains(response, "Popular posts")
        self.assertContains(
            response,
            f'<link rel="canonical" href="http://testserver{self.article.get_absolute_url()}">',
            html=True,
        )

    def test_byline_keeps_the_editors_order(self):
        content = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertLess(
            content.index("Mara Lindqvist"), content.index("Daniel Achterberg")
        )

    def test_page_has_no_inline_script_and_sends_a_strict_policy(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertNotIn(b"<script>", response.content)
        self.assertContains(response, 'src="/static/js/view-beacon.js"')
        policy = response.headers["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertIn("frame-ancestors 'none'", policy)

    def test_wrong_section_or_date_redirects_permanently_to_canonical_url(self):
        other = make_section("Politics", slug="politics")
        for path in [
            f"/{other.slug}/2023/06/18/{self.article.slug}/",
            f"/world/2023/06/19/{self.article.slug}/",
        ]:
            response = self.client.get(path)
            self.assertRedirects(
                response,
                self.article.get_absolute_url(),
                status_code=301,
                fetch_redirect_response=False,
            )

    def test_short_url_redirects_to_canonical_url(self):
        response = self.client.get(f"/a/{self.article.pk}/")
        self.assertRedirects(
            response,
            self.article.get_absolute_url(),
            status_code=301,
            fetch_redirect_response=False,
        )

    def test_unknown_article_is_404(self):
        response = self.client.get("/world/2023/06/18/no-such-article/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)


class UnpublishedArticleTests(TestCase):
    """Drafts and scheduled articles answer 404 everywhere, never 403 or 500."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.live = make_article(
            "Live story", section=cls.section, tags=["Secret"], authors=[cls.author]
        )
        cls.draft = make_article(
            "Draft story",
            section=cls.section,
            status=Article.Status.DRAFT,
            tags=["Secret"],
            authors=[cls.author],
        )
        cls.scheduled = make_article(
            "Scheduled story",
            section=cls.section,
            publish_at=timezone.now() + timedelta(days=1),
            tags=["Secret", "Embargoed"],
            authors=[cls.author],
        )
        for article in [cls.draft, cls.scheduled]:
            DailyViewCount.objects.create(
                article=article, day=timezone.localdate(), views=10_000
            )
            CuratedLink.objects.create(article=cls.live, target=article)

    def setUp(self):
        cache.clear()

    def test_unpublished_articles_have_no_page_or_short_url(self):
        for article in [self.draft, self.scheduled]:
            with self.subTest(article=article.headline):
                self.assertEqual(
                    self.client.get(article.get_absolute_url()).status_code, 404
                )
                self.assertEqual(
                    self.client.get(article.get_short_url()).status_code, 404
                )

    def test_unpublished_articles_appear_on_no_page_or_widget(self):
        pages = [
            "/",
            self.section.get_absolute_url(),
            "/tag/secret/",
            self.author.get_absolute_url(),
            self.live.get_absolute_url(),
        ]
        for path in pages:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Live story")
                self.assertNotContains(response, "Draft story")
                self.assertNotContains(response, "Scheduled story")

    def test_tag_used_only_on_unpublished_articles_is_404(self):
        self.assertEqual(self.client.get("/tag/embargoed/").status_code, 404)


class ListingPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Business", slug="business")
        cls.author = make_author("Priya Castellano")
        cls.articles = [
            make_article(
                f"Market story {n}",
                section=cls.section,
                age=timedelta(hours=n + 1),
                tags=["Economy"],
                authors=[cls.author],
            )
            for n in range(25)
        ]

    def test_listings_are_newest_first_and_paginated(self):
        for path in ["/business/", "/tag/economy/", "/author/priya-castellano/"]:
            with self.subTest(path=path):
                first = self.client.get(path)
                self.assertEqual(
                    [a.headline for a in first.context["page_obj"]],
                    [f"Market story {n}" for n in range(20)],
                )
                second = self.client.get(path, {"page": 2})
                self.assertEqual(len(second.context["page_obj"]), 5)
                self.assertContains(second, "Market story 24")

    def test_bad_page_numbers_are_404(self):
        for path in ["/business/", "/tag/economy/", "/author/priya-castellano/"]:
            for page in ["3", "0", "-1", "abc", "1.5", "9" * 30]:
                with self.subTest(path=path, page=page):
                    response = self.client.get(path, {"page": page})
                    self.assertEqual(response.status_code, 404)

    def test_unknown_tag_author_and_section_are_404(self):
        for path in ["/tag/nothing/", "/author/nobody/", "/no-such-section/"]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class ArticlePageQueryCountTests(TestCase):
    """The article page costs the same however much hangs off the article."""

    # The article with its lead image, byline, tags, corrections and Related
    # posts; the sections (for the article and for the related links); the
    # section menu; Popular posts. With the fragment cache on, as in
    # production, all but the first are kept per content version in each
    # process: one query.
    QUERIES = 5

    def setUp(self):
        cache.clear()

    def test_article_page_query_count_is_constant(self):
        section = make_section("World News", slug="world")
        small = make_article("Small", section=section, tags=["Lone"])
        authors = [make_author(f"Writer {n}") for n in range(4)]
        tags = [f"Topic {n}" for n in range(8)]
        big = make_article("Big", section=section, tags=tags, authors=authors)
        for n in range(30):
            other = make_article(
                f"Other {n}", section=section, tags=tags[: n % 8 + 1], authors=authors
            )
            DailyViewCount.objects.create(
                article=other, day=timezone.localdate(), views=n + 1
            )
            if n < 3:
                CuratedLink.objects.create(article=big, target=other, position=n)
        counting.flush()  # Popular posts come from the stored ranking.
        for article in [small, big]:
            refresh_related(article)  # Done when articles are saved.
        for article in [small, big]:
            with self.subTest(article=article.headline):
                with self.assertNumQueries(self.QUERIES):
                    response = self.client.get(article.get_absolute_url())
                self.assertEqual(response.status_code, 200)
        with self.settings(NEWSROOM_FRAGMENT_CACHE=True):
            self.client.get(small.get_absolute_url())
            with self.assertNumQueries(1):
                response = self.client.get(big.get_absolute_url())
            self.assertContains(response, "Writer 3")
            self.assertContains(response, "Other 2")  # a hand-picked link


class NavigationTests(TestCase):
    def test_header_lists_top_level_navigation_sections_in_order(self):
        make_section("Sport", slug="sport", nav_order=2)
        world = make_section("World News", slug="world", nav_order=1)
        make_section("Asia", slug="asia", parent=world)
        make_section("Hidden", slug="hidden", show_in_navigation=False)
        response = self.client.get(reverse("sections:front"))
        nav = [s.name for s in response.context["navigation_sections"]]
        self.assertEqual(nav, ["World News", "Sport"])


class UnicodeTagTests(TestCase):
    def test_article_and_tag_page_work_with_an_accented_tag(self):
        article = make_article(
            "El Niño returns", section=make_section(), tags=["El Niño"]
        )
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        tag = article.tags.get()
        self.assertContains(self.client.get(f"/tag/{tag.slug}/"), "El Niño returns")

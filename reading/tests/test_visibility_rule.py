"""One visibility rule: change `live_q()` and every surface follows."""

from unittest import mock

from django.db.models import Q
from django.test import TestCase

from articles import models as articles_models
from articles.admin import workflow_state
from articles.models import Article, ArticleAuthor
from articles.testing import make_article, make_author, make_section
from reading import page_query
from related.counting import refresh_popular_ranking
from related.models import CuratedLink, DailyViewCount
from related.ranking import refresh_related

ORIGINAL_RULE = articles_models.live_q


def rule_with_embargo(prefix="", *, now=None):
    """The rule as it is, plus: opinion pieces stay hidden (an embargo)."""
    return ORIGINAL_RULE(prefix, now=now) & ~Q(
        **{f"{prefix}kind": Article.Kind.OPINION}
    )


class VisibilityRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section("World News", slug="world")
        author = make_author("Ann Writer")
        shared = {"section": section, "tags": ["Budget"], "authors": [author]}
        cls.held = make_article(
            "Held opinion piece", kind=Article.Kind.OPINION, **shared
        )
        # Shown on the tag and author sitemaps only through the held piece.
        cls.held.tags.add("Held only")
        ArticleAuthor.objects.create(article=cls.held, author=make_author("Hal Held"))
        cls.shown = make_article("Visible news story", **shared)
        CuratedLink.objects.create(article=cls.shown, target=cls.held)
        for article in (cls.held, cls.shown):
            refresh_related(article)
            DailyViewCount.objects.add_views(article.pk, 50)
        cls.surfaces = {
            "front page": "/",
            "section": section.get_absolute_url(),
            "tag": "/tag/budget/",
            "author": author.get_absolute_url(),
            "search": "/search/?q=piece",
            "feed": "/feed/",
            "tag feed": "/feed/tag/budget/",
            "sitemap": "/sitemap-articles.xml",
            "news sitemap": "/news-sitemap.xml",
            "tag sitemap": "/sitemap-tags.xml",
            "author sitemap": "/sitemap-authors.xml",
            "API list": "/api/v1/articles/",
            "other article (related, popular)": cls.shown.get_absolute_url(),
        }

    def setUp(self):
        refresh_popular_ranking()
        page_query._statement.cache_clear()
        self.addCleanup(page_query._statement.cache_clear)

    def assert_held_shown(self, shown):
        page = self.client.get(self.held.get_absolute_url())
        self.assertEqual(page.status_code, 200 if shown else 404)
        self.assertIs(self.held.is_live(), shown)
        # The admin's badge.
        self.assertEqual(workflow_state(self.held)[0] == "live", shown)
        self.assertEqual(Article.objects.live().filter(pk=self.held.pk).exists(), shown)
        for name, path in self.surfaces.items():
            with self.subTest(surface=name, shown=shown):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                # Its address (or its own tag's and author's): in links,
                # feeds and sitemaps alike.
                own = {"tag sitemap": "held-only", "author sitemap": "hal-held"}
                if name in own:
                    self.assertEqual(own[name] in response.text, shown)
                elif shown:
                    self.assertContains(response, "held-opinion-piece")
                else:
                    self.assertNotContains(response, "held-opinion-piece")

    def test_every_surface_shows_what_the_rule_allows(self):
        self.assert_held_shown(True)

    def test_every_surface_follows_a_change_of_the_rule_in_one_place(self):
        with mock.patch.object(articles_models, "live_q", rule_with_embargo):
            refresh_popular_ranking()
            self.assert_held_shown(False)
            self.assertFalse(Article.objects.scheduled().filter(pk=self.held.pk))
            self.assertIsNone(Article.objects.next_publication())

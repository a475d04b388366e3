from datetime import timedelta

from django.core.cache import cache
from django.template import Context, Template
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_section
from reading.templatetags import reading_tags
from related import counting
from related.models import CuratedLink, DailyViewCount
from related.ranking import refresh_related

# The widget of an article loaded for its page reads the copy of the stored
# list kept with the article's display data: no query but the map of section
# slugs, which is kept per content version in each process in production.
RELATED_WIDGET_QUERIES = 1


class RelatedArticlesTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World")
        cls.article = make_article("Summit opens", section=cls.section, tags=["summit"])
        cls.older = make_article(
            "Summit preview", age=timedelta(days=2), tags=["summit"]
        )
        cls.newer = make_article(
            "Summit day two", age=timedelta(hours=2), tags=["summit"]
        )
        cls.draft = make_article(
            "Draft summit notes", status=Article.Status.DRAFT, tags=["summit"]
        )

    def test_returns_the_ranked_articles(self):
        self.assertEqual(
            reading_tags.related_articles({}, self.article),
            {"articles": [self.newer, self.older]},
        )

    def test_passes_the_limit_on(self):
        self.assertEqual(
            reading_tags.related_articles({}, self.article, limit=1),
            {"articles": [self.newer]},
        )

    def test_article_without_related_articles_gets_an_empty_list(self):
        lonely = make_article("Lonely", tags=["nothing-else"])

        self.assertEqual(reading_tags.related_articles({}, lonely), {"articles": []})


class PopularArticlesTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        today = timezone.localdate()
        cls.less = make_article("Less read")
        cls.most = make_article("Most read", age=timedelta(days=3))
        cls.draft = make_article("Draft", status=Article.Status.DRAFT)
        for article, views in [(cls.less, 2), (cls.most, 9), (cls.draft, 50)]:
            DailyViewCount.objects.create(article=article, day=today, views=views)

    def setUp(self):
        cache.clear()  # The stored Popular posts ranking lives in the cache.

    def test_returns_the_most_read_live_articles_as_a_list(self):
        self.assertEqual(
            reading_tags.popular_context(), {"articles": [self.most, self.less]}
        )

    def test_passes_the_limit_on(self):
        self.assertEqual(reading_tags.popular_context(1), {"articles": [self.most]})


class WidgetRenderingTests(TestCase):
    template = Template(
        "{% load reading_tags %}{% related_articles article %}{% popular_articles 5 %}"
    )

    @classmethod
    def setUpTestData(cls):
        section = make_section("World")
        cls.article = make_article("Summit opens", section=section, tags=["summit"])
        cls.related = make_article("Summit & aftermath", tags=["summit"])
        cls.popular = make_article("Budget passes", age=timedelta(days=1))
        cls.related_draft = make_article(
            "Secret summit draft", status=Article.Status.DRAFT, tags=["summit"]
        )
        cls.popular_scheduled = make_article(
            "Embargoed budget story",
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now() + timedelta(days=1),
        )
        today = timezone.localdate()
        for article in [cls.popular, cls.popular_scheduled]:
            DailyViewCount.objects.create(article=article, day=today, views=3)

    def setUp(self):
        cache.clear()  # The stored Popular posts ranking lives in the cache.

    def render(self, article):
        return self.template.render(Context({"article": article}))

    def as_on_its_page(self, article):
        return Article.objects.for_article_page().get(pk=article.pk)

    def test_renders_headlines_and_links_of_live_articles(self):
        html = self.render(self.article)

        self.assertInHTML(
            f'<a href="{self.related.get_absolute_url()}">Summit &amp; aftermath</a>',
            html,
        )
        self.assertInHTML(
            f'<a href="{self.popular.get_absolute_url()}">Budget passes</a>', html
        )

    def test_does_not_render_drafts_or_scheduled_articles(self):
        html = self.render(self.article)

        self.assertNotIn("Secret summit draft", html)
        self.assertNotIn(self.related_draft.slug, html)
        self.assertNotIn("Embargoed budget story", html)
        self.assertNotIn(self.popular_scheduled.slug, html)

    def test_empty_widgets_say_so(self):
        DailyViewCount.objects.all().delete()
        lonely = make_article("Lonely", tags=["nothing-else"])

        html = self.render(lonely)

        self.assertIn("No related posts yet.", html)
        self.assertIn("Nothing has been read much this week yet.", html)


class RelatedWidgetQueryCountTests(TestCase):
    template = Template("{% load reading_tags %}{% related_articles article %}")

    def setUp(self):
        cache.clear()  # The stored Popular posts ranking lives in the cache.

    def render(self, article):
        return self.template.render(Context({"article": article}))

    def as_on_its_page(self, article):
        return Article.objects.for_article_page().get(pk=article.pk)

    def test_query_count_does_not_grow_with_tags_candidates_or_curated_links(self):
        small = make_article("Small", tags=["only"])
        make_article("Small's neighbour", tags=["only"])

        tags = [f"tag-{n}" for n in range(8)]
        big_section = make_section("Busy")
        big = make_article("Big", section=big_section, tags=tags)
        for n in range(12):
            make_article(
                f"Candidate {n}",
                section=make_section() if n % 2 else big_section,
                age=timedelta(hours=n + 2),
                tags=tags[: n % 8 + 1],
            )
        for position in range(3):
            target = make_article(f"Picked {position}", age=timedelta(days=9))
            CuratedLink.objects.create(article=big, target=target, position=position)

        # Lists are computed when articles are saved; readers only read them.
        for article in [small, big]:
            refresh_related(article)
        small, big = self.as_on_its_page(small), self.as_on_its_page(big)
        with self.assertNumQueries(RELATED_WIDGET_QUERIES) as small_queries:
            small_html = self.render(small)
        with self.assertNumQueries(RELATED_WIDGET_QUERIES) as big_queries:
            big_html = self.render(big)

        self.assertEqual(len(small_queries), len(big_queries))
        # Both renders really listed articles, with their links.
        self.assertEqual(small_html.count("<li>"), 1)
        self.assertEqual(big_html.count("<li>"), 5)
        self.assertIn("Picked 0", big_html)
        with self.settings(NEWSROOM_FRAGMENT_CACHE=True):
            self.render(small)
            with self.assertNumQueries(0):
                self.assertEqual(self.render(big), big_html)


@override_settings(NEWSROOM_FRAGMENT_CACHE=True)
class PopularWidgetFragmentTests(TestCase):
    """The rendered widget is kept per ranking and content version."""

    template = Template("{% load reading_tags %}{% popular_articles 5 %}")

    def setUp(self):
        cache.clear()
        self.read = make_article("Much read story", age=timedelta(days=1))
        DailyViewCount.objects.create(
            article=self.read, day=timezone.localdate(), views=4
        )
        counting.flush()

    def render(self):
        return self.template.render(Context({}))

    def test_second_render_runs_no_query(self):
        first = self.render()
        self.assertIn("Much read story", first)
        with self.assertNumQueries(0):
            self.assertEqual(self.render(), first)

    def test_an_edit_or_a_new_ranking_shows_at_once(self):
        self.render()
        self.read.headline = "Much read story, updated"
        self.read.save()
        self.assertIn("Much read story, updated", self.render())
        newcomer = make_article("Newly popular", age=timedelta(hours=3))
        DailyViewCount.objects.create(
            article=newcomer, day=timezone.localdate(), views=40
        )
        counting.flush()
        html = self.render()
        self.assertLess(html.index("Newly popular"), html.index("Much read story"))
        self.read.unpublish()
        self.assertNotIn("Much read story", self.render())


@override_settings(NEWSROOM_FRAGMENT_CACHE=True)
class TeaserTagTests(TestCase):
    """A teaser is rendered once per content version and variant, and reads
    as the template it renders."""

    def setUp(self):
        cache.clear()
        self.world = make_section("World News", slug="world")
        self.story = make_article("Talks begin", section=self.world, standfirst="Why.")

    def render(self, tag_arguments=""):
        template = Template(
            "{% load reading_tags %}{% teaser article " + tag_arguments + " %}"
        )
        return template.render(Context({"article": self.story}))

    def test_reads_as_the_teaser_template_included(self):
        for arguments in ["", "as_h2=True show_standfirst=True", "is_lead=True"]:
            with self.subTest(arguments=arguments):
                included = Template(
                    '{% include "includes/article_teaser.html" '
                    + (f"with {arguments}" if arguments else "")
                    + " %}"
                ).render(Context({"article": self.story}))
                self.assertEqual(self.render(arguments), included)

    def test_variants_are_kept_apart(self):
        self.assertNotIn("Why.", self.render())
        self.assertIn("Why.", self.render("show_standfirst=True"))
        self.assertIn("<h2", self.render("as_h2=True"))
        self.assertIn("<h3", self.render())

    def test_kept_until_the_content_changes(self):
        first = self.render()
        self.story.headline = "Edited in the database only"
        self.assertEqual(self.render(), first)  # no change was announced
        self.story.save()  # a change: the content version moves
        self.assertIn("Edited in the database only", self.render())

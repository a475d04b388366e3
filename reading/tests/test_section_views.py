from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section
from reading import pagecache
from related.models import DailyViewCount
from sections.models import Section


class FrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world", nav_order=1)
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.sport = make_section("Sport", slug="sport", nav_order=2)
        cls.lead = make_article(
            "Lead story", section=cls.world, featured=True, age=timedelta(days=2)
        )
        cls.newest = make_article("Newest story", section=cls.sport)
        cls.in_asia = make_article(
            "Asia story", section=cls.asia, age=timedelta(hours=3)
        )
        make_article("Draft story", section=cls.world, status=Article.Status.DRAFT)
        make_article(
            "Future story",
            section=cls.world,
            publish_at=timezone.now() + timedelta(minutes=5),
        )

    def setUp(self):
        cache.clear()

    def shown(self, response):
        return [(block.heading, block.articles) for block in response.context["blocks"]]

    def test_newest_featured_article_leads_the_front_page(self):
        response = self.client.get("/")
        self.assertEqual(self.shown(response)[0], ("", [self.lead]))
        self.assertContains(response, "Lead story")

    def test_only_the_lead_story_gets_the_lead_headline(self):
        response = self.client.get("/")
        self.assertContains(response, "teaser__headline--lead", count=1)
        self.assertContains(
            response, '<h2 class="teaser__headline teaser__headline--lead">'
        )

    def test_newest_article_leads_when_none_is_featured(self):
        Article.objects.update(featured=False)
        self.assertEqual(self.shown(self.client.get("/"))[0], ("", [self.newest]))

    def test_latest_then_section_blocks_hold_live_articles_shown_once(self):
        later = make_article(
            "Later world story", section=self.world, age=timedelta(days=3)
        )
        response = self.client.get("/")
        # Subsection articles count for their top-level section; a story
        # shown above is not repeated below, and an empty block is left out.
        self.assertEqual(
            self.shown(response),
            [
                ("", [self.lead]),
                ("Latest", [self.newest, self.in_asia, later]),
            ],
        )
        self.assertNotContains(response, "Draft story")
        self.assertNotContains(response, "Future story")

    def test_front_page_query_count_does_not_grow_with_articles(self):
        self.client.get("/")  # warm up anything cached per process
        # Blocks, candidates (ids), featured candidates, teasers with their
        # bylines (display data); sections and the menu (each read once per
        # content version when the fragment cache is on).
        with self.assertNumQueries(6) as first:
            self.client.get("/")
        for n in range(20):
            make_article(
                f"Extra {n}",
                section=[self.world, self.asia, self.sport][n % 3],
                tags=["Extra", f"Tag {n}"],
                authors=[make_author(f"Extra Writer {n}")],
            )
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get("/")

    def test_empty_site_renders(self):
        Article.objects.all().delete()
        response = self.client.get("/")
        self.assertContains(response, "No articles have been published yet.")


class SectionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world", description="Abroad.")
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.old = make_article("Older", section=cls.world, age=timedelta(days=3))
        cls.new = make_article("Newer", section=cls.asia, age=timedelta(days=1))
        cls.other = make_article("Elsewhere")

    def test_section_front_lists_its_and_its_subsections_articles_newest_first(self):
        response = self.client.get("/world/")
        self.assertEqual(list(response.context["page_obj"]), [self.new, self.old])
        self.assertNotContains(response, "Elsewhere")
        self.assertContains(response, "<h1>World News</h1>", html=True)
        self.assertContains(response, '<a href="/asia/">Asia</a>', html=True)

    def test_subsection_front_lists_only_its_own_articles(self):
        response = self.client.get("/asia/")
        self.assertEqual(list(response.context["page_obj"]), [self.new])

    def test_section_query_count_does_not_grow_with_articles(self):
        # The sections (the section, its subsections and the ids below it
        # come from them), the page's articles, and the menu.
        with self.assertNumQueries(3) as first:
            self.client.get("/world/")
        for n in range(10):
            make_article(f"More {n}", section=self.asia, tags=[f"T{n}"])
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get("/world/")


class SectionModelTests(TestCase):
    def test_slug_that_shadows_site_urls_is_rejected(self):
        for slug in ["admin", "tag", "author", "a", "beacon"]:
            with self.subTest(slug=slug), self.assertRaises(ValidationError):
                Section(name="Bad", slug=slug).full_clean()

    def test_section_cannot_be_its_own_ancestor(self):
        world = make_section("World News", slug="world")
        asia = make_section("Asia", slug="asia", parent=world)
        world.parent = asia
        with self.assertRaises(ValidationError):
            world.full_clean()

    def test_descendant_ids_cover_the_whole_subtree(self):
        world = make_section("World News", slug="world")
        asia = make_section("Asia", slug="asia", parent=world)
        china = make_section("China", slug="china", parent=asia)
        self.assertEqual(world.descendant_ids(), {world.pk, asia.pk, china.pk})
        self.assertEqual(asia.descendant_ids(), {asia.pk, china.pk})


class PopularWidgetOnPagesTests(TestCase):
    def setUp(self):
        cache.clear()  # The stored Popular posts ranking lives in the cache.

    def test_article_page_popular_widget_ranks_by_views(self):
        section = make_section("World News", slug="world")
        quiet = make_article("Quiet story", section=section)
        busy = make_article("Busy story", section=section)
        DailyViewCount.objects.create(article=quiet, day=timezone.localdate(), views=3)
        DailyViewCount.objects.create(article=busy, day=timezone.localdate(), views=30)
        reading = make_article("Story being read", section=section)
        response = self.client.get(reading.get_absolute_url())
        content = response.content.decode()
        widget = content[content.index("Popular posts") :]
        self.assertLess(widget.index("Busy story"), widget.index("Quiet story"))

    @override_settings(NEWSROOM_FRAGMENT_CACHE=True)
    def test_popular_posts_never_list_the_article_being_read(self):
        section = make_section("World News", slug="world")
        ranked = [make_article(f"Read {n} times", section=section) for n in range(6)]
        for views, article in enumerate(ranked, start=1):
            DailyViewCount.objects.create(
                article=article, day=timezone.localdate(), views=views * 10
            )
        most_read = ranked[-1]
        for page in [most_read, ranked[2]]:
            with self.subTest(page=page.headline):
                content = self.client.get(page.get_absolute_url()).content.decode()
                widget = content[content.index('id="popular-heading"') :]
                widget = widget[: widget.index("</section>")]
                self.assertNotIn(page.get_absolute_url(), widget)
                # Still five: the next most read takes its place.
                self.assertEqual(widget.count("<li>"), 5)
        other = make_article("Not in the ranking", section=section)
        widget = self.client.get(other.get_absolute_url()).content.decode()
        self.assertIn(most_read.get_absolute_url(), widget)


class NavigationHighlightTests(TestCase):
    def test_current_section_is_marked_in_the_header(self):
        world = make_section("World News", slug="world")
        asia = make_section("Asia", slug="asia", parent=world)
        article = make_article("In Asia", section=asia)
        for path in ["/world/", "/asia/", article.get_absolute_url()]:
            with self.subTest(path=path):
                self.assertContains(
                    self.client.get(path),
                    '<a href="/world/" aria-current="page">World News</a>',
                    html=True,
                )


@override_settings(NEWSROOM_FRAGMENT_CACHE=True)
class NavigationFragmentTests(TestCase):
    """The section menu is read once per content version in each process."""

    def setUp(self):
        cache.clear()
        self.world = make_section("World News", slug="world", nav_order=1)
        self.story = make_article("Menu story", section=self.world)

    def menu_queries(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.story.get_absolute_url())
        menu = '"sections_section"."parent_id" IS NULL AND'
        return [q["sql"] for q in queries if menu in q["sql"]]

    def test_menu_query_runs_once_until_a_section_changes(self):
        self.assertEqual(len(self.menu_queries()), 1)
        self.assertEqual(self.menu_queries(), [])
        make_section("Sport", slug="sport", nav_order=2)
        self.assertEqual(len(self.menu_queries()), 1)
        self.assertContains(self.client.get("/"), '<a href="/sport/">Sport</a>', 2)
        self.world.name = "International"
        self.world.save()
        self.assertContains(
            self.client.get("/sport/"), '<a href="/world/">International</a>', 2
        )

    @override_settings(NEWSROOM_PAGE_CACHE=False)
    def test_an_uncached_page_reads_the_content_version_once(self):
        with mock.patch(
            "reading.pagecache._get_with_version",
            wraps=pagecache._get_with_version,
        ) as read:
            self.assertEqual(
                self.client.get(self.story.get_absolute_url()).status_code, 200
            )
        self.assertEqual(read.call_count, 1)

    @override_settings(NEWSROOM_PAGE_CACHE=True)
    def test_a_page_cache_miss_passes_on_the_version_it_read(self):
        with mock.patch(
            "reading.pagecache.content_version", wraps=pagecache.content_version
        ) as read:
            self.client.get("/")  # The page cache's first lookup may need it.
            read.reset_mock()
            self.assertEqual(
                self.client.get(self.story.get_absolute_url()).status_code, 200
            )
        self.assertEqual(read.call_count, 0)

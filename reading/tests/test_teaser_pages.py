"""Section fronts, tag and author pages keep the articles their teasers show
per content version (reading/teasers.py) and the sections (reading/display.py):
rendered again, they read only which articles they list, and show exactly
what a page rendered without anything kept shows."""

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section
from sections.models import Section

from .test_pagecache import LOCAL_CACHE


@override_settings(
    NEWSROOM_FRAGMENT_CACHE=True, NEWSROOM_PAGE_SIZE=3, CACHES=LOCAL_CACHE
)
class KeptTeaserPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world", description="Abroad.")
        cls.asia = make_section("Asia", slug="asia", parent=cls.world, nav_order=2)
        cls.europe = make_section(
            "Europe", slug="europe", parent=cls.world, nav_order=1
        )
        make_section("Japan", slug="japan", parent=cls.asia)
        cls.sport = make_section("Sport", slug="sport")
        cls.writer = make_author("Mara Lindqvist")
        cls.stories = [
            make_article(
                f"Story {n}",
                section=[cls.world, cls.asia, cls.europe][n % 3],
                tags=["China"] + (["Trade"] if n % 2 else []),
                authors=[cls.writer],
                standfirst=f"Why {n}.",
                age=timedelta(hours=n + 1),
            )
            for n in range(7)
        ]
        make_article(
            "Elsewhere", section=cls.sport, tags=["China"], age=timedelta(days=1)
        )
        make_article("Draft", section=cls.world, status=Article.Status.DRAFT)
        make_article(
            "Embargoed",
            section=cls.world,
            tags=["China"],
            authors=[cls.writer],
            publish_at=timezone.now() + timedelta(hours=1),
        )

    def setUp(self):
        cache.clear()

    def paths(self):
        return [
            f"{path}{page}"
            for path in ["/world/", "/tag/china/", "/author/mara-lindqvist/"]
            for page in ["", "?page=2", "?page=3"]
        ] + ["/asia/", "/europe/", "/japan/"]

    def test_rendered_again_the_page_reads_only_its_article_ids(self):
        for path in self.paths():
            with self.subTest(path=path):
                first = self.client.get(path)
                self.assertEqual(first.status_code, 200)
                # The tag's or the author's row, and the ids of the page.
                queries = 2 if path.startswith(("/tag/", "/author/")) else 1
                with self.assertNumQueries(queries):
                    again = self.client.get(path)
                self.assertEqual(again.content, first.content)

    def test_pages_read_as_without_anything_kept(self):
        with self.settings(NEWSROOM_FRAGMENT_CACHE=False):
            expected = {path: self.client.get(path).content for path in self.paths()}
        # Every page twice, in an order that keeps some of a page's articles
        # and not others (the tag's third page holds the section's last).
        for path in [*self.paths(), *reversed(self.paths())]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).content, expected[path])

    @mock.patch("reading.teasers.ARTICLES_PER_VERSION", 4)
    def test_pages_read_the_same_when_the_kept_articles_are_dropped(self):
        with self.settings(NEWSROOM_FRAGMENT_CACHE=False):
            expected = {path: self.client.get(path).content for path in self.paths()}
        for path in self.paths():
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).content, expected[path])
                self.assertEqual(self.client.get(path).content, expected[path])

    def test_articles_listed_newest_first_across_pages(self):
        self.client.get("/tag/china/")  # keep the first page's articles
        listed = []
        for page in [1, 2, 3]:
            response = self.client.get(f"/tag/china/?page={page}")
            listed += list(response.context["page_obj"])
            self.assertEqual(response.context["page_obj"].has_next(), page < 3)
        self.assertEqual(
            listed, [*self.stories, Article.objects.get(headline="Elsewhere")]
        )

    def test_bad_page_numbers_are_404s(self):
        for path in ["/world/", "/tag/china/", "/author/mara-lindqvist/"]:
            self.client.get(path)  # keep the first page's articles
            for page in ["4", "0", "-1", "two", "99999999999"]:
                with self.subTest(path=path, page=page):
                    response = self.client.get(f"{path}?page={page}")
                    self.assertEqual(response.status_code, 404)

    def test_an_edit_and_an_unpublish_show_at_once(self):
        self.client.get("/world/")
        story = self.stories[0]
        story.headline = "Story 0, updated"
        story.save()
        self.assertContains(self.client.get("/world/"), "Story 0, updated")
        self.assertContains(self.client.get("/tag/china/"), "Story 0, updated")
        story.unpublish()
        for path in ["/world/", "/tag/china/", "/author/mara-lindqvist/"]:
            with self.subTest(path=path):
                self.assertNotContains(self.client.get(path), "Story 0")

    def test_a_scheduled_article_appears_at_its_time_without_a_change(self):
        self.assertNotContains(self.client.get("/world/"), "Embargoed")
        later = timezone.now() + timedelta(hours=2)
        with mock.patch("django.utils.timezone.now", return_value=later):
            for path in ["/world/", "/tag/china/", "/author/mara-lindqvist/"]:
                with self.subTest(path=path):
                    self.assertContains(self.client.get(path), "Embargoed")

    def test_section_front_shows_its_subsections_and_parent_from_kept_sections(self):
        response = self.client.get("/world/")
        content = response.content.decode()
        # Subsections in menu order, as `section.children.all()` lists them.
        self.assertLess(
            content.index('href="/europe/"'), content.index('href="/asia/"')
        )
        self.assertNotIn('href="/japan/"', content)  # below Asia, not World
        self.assertContains(
            self.client.get("/asia/"),
            '<p class="kicker"><a href="/world/">World News</a></p>',
            html=True,
        )

    def test_section_changes_show_at_once(self):
        self.client.get("/world/")
        make_section("Africa", slug="africa", parent=self.world, nav_order=0)
        self.assertContains(self.client.get("/world/"), '<a href="/africa/">Africa</a>')
        self.assertEqual(self.client.get("/africa/").status_code, 200)
        Section.objects.get(slug="africa").delete()
        self.assertEqual(self.client.get("/africa/").status_code, 404)

    def test_unknown_section_is_a_404(self):
        self.client.get("/world/")
        self.assertEqual(self.client.get("/nowhere/").status_code, 404)


class DescendantIdsTests(TestCase):
    def test_sections_read_already_give_the_same_ids(self):
        world = make_section("World News", slug="world")
        asia = make_section("Asia", slug="asia", parent=world)
        china = make_section("China", slug="china", parent=asia)
        make_section("Sport", slug="sport")
        sections = list(Section.objects.all())
        for section in sections:
            with self.subTest(section=section.slug):
                read = section.descendant_ids()
                with self.assertNumQueries(0):
                    self.assertEqual(section.descendant_ids(sections), read)
        self.assertEqual(world.descendant_ids(sections), {world.pk, asia.pk, china.pk})

"""The front page as editors arrange it: pinned stories, filling, no repeats,
scheduling, and the page cache kept exact."""

from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_section
from frontpage.models import Block, PinnedArticle
from reading import pagecache


def make_block(kind=Block.Kind.SECTION, *, pins=(), **fields):
    fields.setdefault("live_from", timezone.now() - timedelta(minutes=1))
    if kind == Block.Kind.LEAD:
        fields.setdefault("size", 1)
    block = Block.objects.create(kind=kind, **fields)
    for position, article in enumerate(pins):
        PinnedArticle.objects.create(block=block, article=article, position=position)
    return block


class ArrangedFrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world", nav_order=1)
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.sport = make_section("Sport", slug="sport", nav_order=2)
        # Newest first: w0 s0 w1 s1 ... (one an hour).
        cls.world_stories = []
        cls.sport_stories = []
        for n in range(6):
            cls.world_stories.append(
                make_article(
                    f"World {n}",
                    section=cls.asia if n == 3 else cls.world,
                    age=timedelta(hours=2 * n + 1),
                )
            )
            cls.sport_stories.append(
                make_article(
                    f"Sport {n}", section=cls.sport, age=timedelta(hours=2 * n + 2)
                )
            )
        cls.old_exclusive = make_article(
            "Old exclusive", section=cls.world, age=timedelta(days=20)
        )

    def setUp(self):
        cache.clear()

    def shown(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        return [
            (block.heading, [a.headline for a in block.articles])
            for block in response.context["blocks"]
        ]

    def arrange_page(self, *, lead_pins=(), top_pins=(), world_pins=(), **world):
        make_block(Block.Kind.LEAD, position=0, pins=lead_pins)
        make_block(Block.Kind.TOP, position=1, size=3, pins=top_pins)
        make_block(section=self.world, position=2, size=3, pins=world_pins, **world)
        make_block(section=self.sport, position=3, size=2)

    def test_pinned_stories_come_first_in_the_editors_order_then_the_newest(self):
        w, s = self.world_stories, self.sport_stories
        self.arrange_page(lead_pins=[self.old_exclusive], world_pins=[w[5], w[4]])
        self.assertEqual(
            self.shown(),
            [
                ("", ["Old exclusive"]),
                ("Latest", ["World 0", "Sport 0", "World 1"]),
                # Pinned in order, then the newest not shown above; World 3
                # is in Asia, below World News.
                ("World News", ["World 5", "World 4", "World 2"]),
                ("Sport", ["Sport 1", "Sport 2"]),
            ],
        )
        self.assertEqual(s[1].headline, "Sport 1")

    def test_no_story_appears_twice_on_the_front_page(self):
        w = self.world_stories
        # The newest story pinned lower down is not taken by Latest; a story
        # pinned twice stays in the first block that pins it.
        self.arrange_page(top_pins=[w[2]], world_pins=[w[0], w[2]])
        shown = self.shown()
        headlines = [h for _, block in shown for h in block]
        self.assertEqual(len(headlines), len(set(headlines)), shown)
        self.assertEqual(shown[0], ("", ["Sport 0"]))
        self.assertEqual(shown[1], ("Latest", ["World 2", "World 1", "Sport 1"]))
        self.assertEqual(shown[2], ("World News", ["World 0", "World 3", "World 4"]))

    def test_a_block_opted_out_of_deduplication_repeats_stories(self):
        self.arrange_page(deduplicate=False)
        shown = dict(self.shown())
        self.assertEqual(shown["World News"], ["World 0", "World 1", "World 2"])
        # The others still skip what is shown (World 0 leads).
        self.assertEqual(shown["Latest"], ["Sport 0", "World 1", "Sport 1"])
        self.assertEqual(shown["Sport"], ["Sport 2", "Sport 3"])

    def test_without_blocks_the_standard_arrangement_shows_each_story_once(self):
        shown = self.shown()
        self.assertEqual(
            [heading for heading, _ in shown][:3], ["", "Latest", "World News"]
        )
        headlines = [h for _, block in shown for h in block]
        self.assertEqual(len(headlines), len(set(headlines)))
        self.assertEqual(len(headlines), 1 + 8 + 4)

    def test_only_live_pinned_articles_are_shown(self):
        draft = make_article("Pinned draft", status=Article.Status.DRAFT)
        scheduled = make_article(
            "Pinned for later", publish_at=timezone.now() + timedelta(hours=1)
        )
        self.arrange_page(world_pins=[draft, scheduled, self.world_stories[4]])
        shown = dict(self.shown())
        self.assertEqual(shown["World News"], ["World 4", "World 2", "World 3"])
        with mock.patch(
            "django.utils.timezone.now",
            return_value=timezone.now() + timedelta(hours=2),
        ):
            self.assertEqual(dict(self.shown())["World News"][0], "Pinned for later")

    @override_settings(NEWSROOM_PAGE_CACHE=True, NEWSROOM_FRAGMENT_CACHE=True)
    def test_an_unpublished_pinned_article_leaves_the_cached_page_at_once(self):
        pinned = self.world_stories[5]
        self.arrange_page(world_pins=[pinned])
        self.assertContains(self.client.get("/"), "World 5")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")
        pinned.unpublish()
        response = self.client.get("/")
        self.assertNotIn("X-Page-Cache", response)
        self.assertNotContains(response, "World 5")

    @override_settings(NEWSROOM_PAGE_CACHE=True, NEWSROOM_FRAGMENT_CACHE=True)
    def test_pinning_changes_the_cached_page_at_once(self):
        self.arrange_page()
        self.assertNotContains(self.client.get("/"), "Old exclusive")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")
        block = Block.objects.get(kind=Block.Kind.LEAD)
        PinnedArticle.objects.create(block=block, article=self.old_exclusive)
        self.assertContains(self.client.get("/"), "Old exclusive")
        block.pins.all().delete()
        self.assertNotContains(self.client.get("/"), "Old exclusive")
        Block.objects.filter(kind=Block.Kind.TOP).get().delete()
        self.assertNotContains(self.client.get("/"), ">Latest<")

    def test_a_scheduled_block_takes_its_place_at_its_time(self):
        self.arrange_page()
        at = timezone.now() + timedelta(hours=1)
        evening = make_block(
            Block.Kind.LEAD, position=0, live_from=at, pins=[self.old_exclusive]
        )
        self.assertEqual(Block.objects.next_live_from(), at)
        self.assertEqual(self.shown()[0], ("", ["World 0"]))
        for moment, lead in [
            (at - timedelta(microseconds=1), "World 0"),
            (at, "Old exclusive"),
        ]:
            with mock.patch("django.utils.timezone.now", return_value=moment):
                self.assertEqual(self.shown()[0], ("", [lead]))
        self.assertFalse(evening.is_current())
        self.assertTrue(evening.is_current(now=at))

    @override_settings(NEWSROOM_PAGE_CACHE=True)
    def test_cached_pages_expire_when_a_scheduled_block_takes_its_place(self):
        at = timezone.now() + timedelta(minutes=10)
        version = pagecache.content_version()
        now = timezone.now().timestamp()
        self.assertIsNone(pagecache.next_publication(version, after=now))
        make_block(Block.Kind.LEAD, live_from=at, pins=[self.old_exclusive])
        # Saving the block moved the content version, as an article's would.
        version_after = pagecache.content_version()
        self.assertNotEqual(version_after, version)
        self.assertEqual(
            pagecache.next_publication(version_after, after=now), at.timestamp()
        )

    def test_query_count_does_not_grow_with_blocks_pins_or_articles(self):
        self.arrange_page(world_pins=self.world_stories[:2])
        self.client.get("/")
        # Sections, blocks, live pins, candidates (ids), featured ids,
        # teasers, the menu (sections and menu are read once per content
        # version when the fragment cache is on).
        with self.assertNumQueries(7) as first:
            self.client.get("/")
        for n in range(6):
            section = make_section(f"Extra {n}", nav_order=10 + n)
            extra = [make_article(f"Extra {n}.{m}", section=section) for m in range(5)]
            make_block(section=section, position=10 + n, pins=extra[:3])
        with self.assertNumQueries(len(first.captured_queries)):
            shown = self.shown()
        self.assertEqual(len(shown), 4 + 6)

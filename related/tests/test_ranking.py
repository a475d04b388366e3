from datetime import timedelta
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_section
from related.lists import related_articles
from related.models import CuratedLink, DailyViewCount, DailyViewCountQuerySet
from related.ranking import popular_articles

DRAFT = Article.Status.DRAFT


def in_future(**delta):
    return timezone.now() + timedelta(**delta)


class RelatedArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World")
        cls.other_section = make_section("Sport")

    def make(self, headline, *, hours_ago=1, section=None, **fields):
        return make_article(
            headline,
            section=section or self.other_section,
            age=timedelta(hours=hours_ago),
            **fields,
        )

    def test_hand_picked_articles_come_first_in_editor_order(self):
        article = self.make("Summit opens", section=self.section, tags=["summit"])
        strong = self.make("Summit day two", section=self.section, tags=["summit"])
        second = self.make("Old background piece", hours_ago=90)
        first = self.make("Older explainer", hours_ago=100)
        # Created in the opposite order to their positions.
        CuratedLink.objects.create(article=article, target=second, position=2)
        CuratedLink.objects.create(article=article, target=first, position=1)

        self.assertEqual(related_articles(article), [first, second, strong])

    def test_hand_picked_draft_and_scheduled_articles_are_skipped(self):
        article = self.make("Summit opens")
        draft = self.make("Unfinished draft", status=DRAFT)
        scheduled = self.make("Embargoed piece", publish_at=in_future(days=1))
        live = self.make("Published piece", hours_ago=50)
        for position, target in enumerate([draft, scheduled, live]):
            CuratedLink.objects.create(
                article=article, target=target, position=position
            )

        self.assertEqual(related_articles(article), [live])

    def test_rarer_shared_tag_outranks_common_one(self):
        article = self.make("Election called", tags=["politics", "referendum"])
        rare = self.make("Referendum rules", hours_ago=10, tags=["referendum"])
        common = self.make("Politics roundup", hours_ago=2, tags=["politics"])
        for n in range(3):
            self.make(f"Politics filler {n}", hours_ago=20 + n, tags=["politics"])

        self.assertEqual(related_articles(article)[:2], [rare, common])

    def test_more_shared_tags_outrank_fewer(self):
        article = self.make(
            "Budget", section=self.section, tags=["tax", "spend", "debt"]
        )
        two_shared = self.make("Tax and spend", hours_ago=30, tags=["tax", "spend"])
        one_shared = self.make(
            "Debt news", section=self.section, hours_ago=2, tags=["debt"]
        )

        self.assertEqual(related_articles(article), [two_shared, one_shared])

    def test_tag_ties_are_broken_by_same_section_then_recency(self):
        article = self.make("Floods", section=self.section, tags=["weather"])
        other_newest = self.make("Storm warning", hours_ago=2, tags=["weather"])
        same_oldest = self.make(
            "Rain record", section=self.section, hours_ago=40, tags=["weather"]
        )
        same_newer = self.make(
            "River levels", section=self.section, hours_ago=5, tags=["weather"]
        )

        self.assertEqual(
            related_articles(article), [same_newer, same_oldest, other_newest]
        )

    def test_article_without_tags_gets_same_section_articles_newest_first(self):
        article = self.make("Untagged", section=self.section)
        same = [
            self.make(f"Same section {n}", section=self.section, hours_ago=hours)
            for n, hours in enumerate([7, 3, 5, 2, 6, 4])
        ]
        self.make("Other section newest", hours_ago=1.5)

        self.assertEqual(
            related_articles(article),
            [same[3], same[1], same[5], same[2], same[4]],
        )

    def test_never_includes_the_article_itself(self):
        article = self.make("Match report", section=self.section, tags=["cup", "final"])
        other = self.make("Cup preview", hours_ago=3, tags=["cup"])

        self.assertEqual(related_articles(article), [other])

    def test_never_includes_drafts_or_scheduled_articles(self):
        tags = ["cup", "final", "derby"]
        article = self.make("Match report", section=self.section, tags=tags)
        self.make("Draft", section=self.section, status=DRAFT, tags=tags)
        self.make(
            "Scheduled", section=self.section, publish_at=in_future(hours=2), tags=tags
        )
        live = self.make("Cup preview", hours_ago=48, tags=["cup"])

        self.assertEqual(related_articles(article), [live])

    def test_returns_at_most_limit_articles(self):
        article = self.make("Heatwave", section=self.section, tags=["weather"])
        candidates = [
            self.make(f"Weather {n}", hours_ago=n + 2, tags=["weather"])
            for n in range(8)
        ]

        self.assertEqual(related_articles(article), candidates[:5])
        self.assertEqual(related_articles(article, limit=2), candidates[:2])

    def test_curated_links_count_towards_the_limit(self):
        article = self.make("Heatwave", section=self.section, tags=["weather"])
        for n in range(3):
            self.make(f"Weather {n}", hours_ago=n + 2, tags=["weather"])
        picked = [self.make(f"Picked {n}", hours_ago=90) for n in range(6)]
        for position, target in enumerate(picked):
            CuratedLink.objects.create(
                article=article, target=target, position=position
            )

        self.assertEqual(related_articles(article), picked[:5])

    def test_hand_picked_article_is_not_repeated_by_automatic_ranking(self):
        article = self.make("Heatwave", section=self.section, tags=["weather"])
        picked = self.make("Weather picked", hours_ago=40, tags=["weather"])
        automatic = self.make("Weather automatic", hours_ago=3, tags=["weather"])
        CuratedLink.objects.create(article=article, target=picked)

        self.assertEqual(related_articles(article), [picked, automatic])


class PopularArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World")
        cls.today = timezone.localdate()

    def views(self, article, *, days_ago=0, views):
        DailyViewCount.objects.create(
            article=article, day=self.today - timedelta(days=days_ago), views=views
        )

    def test_ordered_by_views_summed_over_the_window(self):
        steady = make_article("Steady", section=self.section, age=timedelta(days=5))
        spike = make_article("Spike", section=self.section)
        little = make_article("Little", section=self.section)
        self.views(steady, days_ago=0, views=3)
        self.views(steady, days_ago=2, views=2)
        self.views(steady, days_ago=6, views=3)
        self.views(spike, days_ago=0, views=7)
        self.views(little, days_ago=1, views=1)

        self.assertQuerySetEqual(popular_articles(), [steady, spike, little])
        self.assertEqual(
            [article.recent_views for article in popular_articles()], [8, 7, 1]
        )

    def test_views_seven_or_more_days_old_do_not_count(self):
        old_hit = make_article("Old hit", section=self.section, age=timedelta(days=30))
        recent = make_article("Recent", section=self.section)
        forgotten = make_article("Forgotten", section=self.section)
        self.views(old_hit, days_ago=7, views=100)
        self.views(old_hit, days_ago=0, views=1)
        self.views(recent, days_ago=0, views=2)
        self.views(forgotten, days_ago=8, views=50)

        self.assertQuerySetEqual(popular_articles(), [recent, old_hit])

    @override_settings(NEWSROOM_POPULAR_DAYS=2)
    def test_window_length_follows_the_setting(self):
        yesterday = make_article("Yesterday", section=self.section)
        two_days = make_article("Two days ago", section=self.section)
        self.views(yesterday, days_ago=1, views=1)
        self.views(two_days, days_ago=2, views=10)

        self.assertQuerySetEqual(popular_articles(), [yesterday])
        self.assertQuerySetEqual(popular_articles(days=3), [two_days, yesterday])

    def test_window_ends_on_the_day_of_now(self):
        then = make_article("Then", section=self.section, age=timedelta(days=40))
        today = make_article("Today", section=self.section)
        self.views(then, days_ago=20, views=5)
        self.views(today, days_ago=0, views=9)

        now = timezone.now() - timedelta(days=18)
        self.assertQuerySetEqual(popular_articles(now=now), [then])

    def test_drafts_and_scheduled_articles_are_excluded(self):
        draft = make_article("Draft", section=self.section, status=DRAFT)
        scheduled = make_article(
            "Scheduled", section=self.section, publish_at=in_future(days=1)
        )
        live = make_article("Live", section=self.section)
        self.views(draft, views=50)
        self.views(scheduled, views=40)
        self.views(live, views=1)

        self.assertQuerySetEqual(popular_articles(), [live])

    def test_articles_without_views_are_not_listed(self):
        read = make_article("Read", section=self.section)
        make_article("Never read", section=self.section)
        zero = make_article("Zero row", section=self.section)
        self.views(read, views=1)
        self.views(zero, views=0)

        self.assertQuerySetEqual(popular_articles(), [read])

    def test_limit_is_respected(self):
        articles = [
            make_article(f"Article {n}", section=self.section) for n in range(7)
        ]
        for n, article in enumerate(articles):
            self.views(article, views=10 - n)

        self.assertQuerySetEqual(popular_articles(), articles[:5])
        self.assertQuerySetEqual(popular_articles(limit=2), articles[:2])


class RecordViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Read me")

    def test_creates_todays_row_then_increments_it(self):
        DailyViewCount.objects.record_view(self.article.pk)
        count = DailyViewCount.objects.get(article=self.article)
        self.assertEqual(count.day, timezone.localdate())
        self.assertEqual(count.views, 1)

        DailyViewCount.objects.record_view(self.article.pk)

        count.refresh_from_db()
        self.assertEqual(count.views, 2)
        self.assertEqual(DailyViewCount.objects.count(), 1)

    def test_counts_each_day_separately(self):
        yesterday = timezone.localdate() - timedelta(days=1)
        DailyViewCount.objects.create(article=self.article, day=yesterday, views=5)

        DailyViewCount.objects.record_view(self.article.pk)

        self.assertQuerySetEqual(
            DailyViewCount.objects.order_by("day").values_list("day", "views"),
            [(yesterday, 5), (timezone.localdate(), 1)],
        )

    def test_adds_to_an_existing_row(self):
        today = timezone.localdate()
        DailyViewCount.objects.create(article=self.article, day=today, views=41)

        DailyViewCount.objects.record_view(self.article.pk, day=today)

        self.assertEqual(DailyViewCount.objects.get(article=self.article).views, 42)

    def test_row_created_by_a_concurrent_request_is_incremented(self):
        today = timezone.localdate()
        DailyViewCount.objects.create(article=self.article, day=today, views=41)
        real_update = DailyViewCountQuerySet.update
        calls = []

        def update_missing_the_row_at_first(queryset, **kwargs):
            # The other request's row is not there yet when this one first looks.
            calls.append(kwargs)
            return 0 if len(calls) == 1 else real_update(queryset, **kwargs)

        with mock.patch.object(
            DailyViewCountQuerySet, "update", update_missing_the_row_at_first
        ):
            DailyViewCount.objects.record_view(self.article.pk, day=today)

        self.assertEqual(len(calls), 2)
        self.assertEqual(DailyViewCount.objects.get(article=self.article).views, 42)


class DocumentFrequencyTests(TestCase):
    def test_indexing_an_article_again_leaves_document_frequencies_alone(self):
        from itertools import product

        from related.models import ArticleVector, TermDocumentCount
        from related.ranking import index_article

        words = " ".join("".join(letters) for letters in product("bcdfg", repeat=4))
        article = make_article("Frequencies", body=f"<p>{words}</p>")
        index_article(article)
        counts = dict(TermDocumentCount.objects.values_list("term", "documents"))
        in_vector = set(ArticleVector.objects.get(article=article).weights)
        self.assertTrue(set(counts) - in_vector, "terms outside the vector")
        self.assertEqual(set(counts.values()), {1})
        for _ in range(3):  # a retried task, editors' saves
            index_article(article)
        self.assertEqual(
            dict(TermDocumentCount.objects.values_list("term", "documents")), counts
        )

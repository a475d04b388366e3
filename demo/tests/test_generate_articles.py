import statistics
from collections import Counter
from datetime import timedelta
from io import StringIO

from reversion.models import Version
from taggit.models import Tag, TaggedItem

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone
from django.utils.html import strip_tags

from articles.html import clean_html, html_to_text
from articles.models import Article, ArticleAuthor, FormerURL
from articles.search import search_articles
from demo.generator import ArticleGenerator, generate
from reading.pagecache import content_version
from related.counting import RANKING_KEY, popular_ids
from related.models import DailyViewCount
from related.ranking import compute_popular_ids
from sections.models import Section

SEED = 20240618
COUNT = 300


def words(html):
    return len(strip_tags(html).split())


class GenerateArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # A batch smaller than the count, so that several batches are written.
        cls.result = generate(COUNT, seed=SEED, batch=120)
        cls.articles = list(Article.objects.order_by("pk"))

    def test_creates_the_requested_articles_with_unique_slugs(self):
        self.assertEqual(self.result.articles, COUNT)
        self.assertEqual(len(self.articles), COUNT)
        self.assertEqual(len({a.slug for a in self.articles}), COUNT)
        self.assertTrue(all(a.slug for a in self.articles))

    def test_fills_what_save_would_fill(self):
        for article in self.articles:
            self.assertEqual(article.edit_version, 1)
            self.assertLessEqual(article.created_at, article.updated_at)
            self.assertLessEqual(len(article.headline), 200)
            self.assertTrue(article.standfirst)
        # Times are the articles' own, not the time of the insert.
        month_ago = timezone.now() - timedelta(days=30)
        self.assertGreater(sum(a.created_at < month_ago for a in self.articles), 200)

    def test_bodies_are_clean_html_of_300_to_1500_words(self):
        lengths = [words(a.body) for a in self.articles]
        self.assertGreaterEqual(min(lengths), 300)
        self.assertLessEqual(max(lengths), 1500)
        # Varied: short news and long features.
        self.assertLess(min(lengths), 500)
        self.assertGreater(max(lengths), 1100)
        for article in self.articles:
            self.assertEqual(clean_html(article.body), article.body)
            self.assertEqual(article.body_text, html_to_text(article.body))
            self.assertTrue(article.body.startswith("<p>"))
        self.assertTrue(all("<h2>" in a.body for a in self.articles))
        self.assertGreater(sum("<blockquote>" in a.body for a in self.articles), 30)

    def test_files_articles_in_at_least_eight_sections(self):
        used = Section.objects.filter(articles__isnull=False).distinct()
        self.assertGreaterEqual(used.count(), 8)
        self.assertEqual(self.result.sections, Section.objects.count())

    def test_bylines_are_stored_in_the_generated_order(self):
        drafts = ArticleGenerator(seed=SEED, days=1500, now=timezone.now()).drafts
        expected = [draft.author_slugs for draft in drafts(COUNT)]
        stored = [
            [author.slug for author in article.byline_authors()]
            for article in Article.objects.for_listing().order_by("pk")
        ]
        self.assertEqual(stored, expected)
        sizes = Counter(len(byline) for byline in stored)
        self.assertEqual(set(sizes), {1, 2, 3})
        self.assertEqual(self.result.authors, 20)
        self.assertEqual(self.result.bylines, ArticleAuthor.objects.count())

    def test_tags_are_attached_through_taggit_with_a_long_tail(self):
        article = self.articles[0]
        self.assertGreaterEqual(article.tags.count(), 2)
        for tag in article.tags.all():
            self.assertIn(article, Article.objects.tagged(tag))
        uses = Counter(TaggedItem.objects.values_list("tag_id", flat=True))
        self.assertEqual(len(uses), Tag.objects.count())
        self.assertGreaterEqual(len(uses), 150)
        most = uses.most_common(1)[0][1]
        self.assertGreaterEqual(most, 8 * statistics.median(uses.values()))

    def test_stories_share_section_and_tags(self):
        clusters = [ids for ids in self.result.stories if len(ids) > 1]
        self.assertEqual(sum(map(len, self.result.stories)), COUNT)
        self.assertGreater(len(clusters), 30)
        self.assertLessEqual(max(map(len, clusters)), 8)
        by_pk = {a.pk: a for a in self.articles}
        tags = {}
        for item in TaggedItem.objects.values_list("object_id", "tag_id"):
            tags.setdefault(item[0], set()).add(item[1])
        for ids in clusters:
            self.assertEqual(len({by_pk[pk].section_id for pk in ids}), 1)
            self.assertTrue(set.intersection(*(tags[pk] for pk in ids)))

    def test_a_story_is_found_by_the_names_it_shares(self):
        story = max(self.result.stories, key=len)
        texts = {a.pk: set(a.body_text.split()) for a in self.articles}
        shared = set.intersection(*(texts[pk] for pk in story))
        # Words on every article of the story and on few others: its names.
        names = [
            word
            for word in shared
            if word.isalpha() and sum(word in t for t in texts.values()) < 20
        ]
        self.assertTrue(names)
        found = search_articles(Article.objects.all(), names[0])
        self.assertLessEqual(set(story), set(found.values_list("pk", flat=True)))

    def test_recent_live_articles_have_skewed_daily_views(self):
        today = timezone.localdate()
        recent = DailyViewCount.objects.filter(day__gt=today - timedelta(days=7))
        self.assertTrue(recent.exists())
        self.assertFalse(
            DailyViewCount.objects.exclude(article__in=Article.objects.live()).exists()
        )
        totals = sorted(
            DailyViewCount.objects.values("article")
            .annotate(total=Sum("views"))
            .values_list("total", flat=True)
        )
        self.assertGreaterEqual(totals[-1], 5 * statistics.median(totals))

    def test_some_articles_are_from_the_last_two_days_and_week(self):
        now = timezone.now()
        live = Article.objects.live()
        self.assertGreaterEqual(
            live.filter(publish_at__gte=now - timedelta(hours=48)).count(), 5
        )
        self.assertGreaterEqual(
            live.filter(publish_at__gte=now - timedelta(days=7)).count(), 15
        )

    def test_live_counts_all_but_drafts_and_scheduled(self):
        drafts = Article.objects.filter(status=Article.Status.DRAFT).count()
        scheduled = Article.objects.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()
        ).count()
        self.assertEqual((self.result.drafts, self.result.scheduled), (3, 2))
        self.assertEqual((drafts, scheduled), (3, 2))
        self.assertEqual(Article.objects.live().count(), COUNT - drafts - scheduled)
        self.assertEqual(self.result.live, COUNT - drafts - scheduled)

    def test_keeps_no_revisions_or_former_urls(self):
        self.assertFalse(Version.objects.exists())
        self.assertFalse(FormerURL.objects.exists())

    def test_a_second_run_with_the_same_seed_adds_the_same_headlines(self):
        again = generate(COUNT, seed=SEED, batch=1000)
        self.assertEqual(Article.objects.count(), 2 * COUNT)
        self.assertEqual(
            len(set(Article.objects.values_list("slug", flat=True))), 2 * COUNT
        )
        new = Article.objects.exclude(pk__in=[a.pk for a in self.articles])
        self.assertEqual(
            list(new.order_by("pk").values_list("headline", flat=True)),
            [a.headline for a in self.articles],
        )
        self.assertEqual(again.new_tags, 0)
        self.assertEqual(Section.objects.count(), self.result.sections)

    def test_a_shorter_run_with_the_same_seed_starts_the_same(self):
        def drafts(n):
            generator = ArticleGenerator(seed=SEED, days=1500, now=timezone.now())
            return list(generator.drafts(n))

        short = drafts(60)
        # Only the last story may be cut short, and be told differently.
        whole = [d.article.headline for d in short if d.story < short[-1].story]
        self.assertGreater(len(whole), 40)
        long = [d.article.headline for d in drafts(COUNT)[: len(whole)]]
        self.assertEqual(whole, long)

    def test_another_seed_gives_other_headlines(self):
        generate(20, seed=SEED + 1)
        new = Article.objects.exclude(pk__in=[a.pk for a in self.articles])
        first_run = {a.headline for a in self.articles}
        # Subjects without an invented name may meet again, rarely.
        shared = set(new.values_list("headline", flat=True)) & first_run
        self.assertLessEqual(len(shared), 2)


class GenerateArticlesCommandTests(TestCase):
    def test_prints_progress_and_a_summary(self):
        out, err = StringIO(), StringIO()
        call_command(
            "generate_articles", "250", "--seed", "7", "--batch", "100", stdout=out,
            stderr=err,
        )  # fmt: skip
        summary = out.getvalue()
        self.assertIn("Generated 250 articles", summary)
        self.assertIn("247 live, 2 drafts, 1 scheduled", summary)
        self.assertIn("20 authors", summary)
        self.assertRegex(summary, r"\d+ tags")
        self.assertRegex(summary, r"[\d.]+ s: [\d,]+ articles/s, [\d,]+ rows/s")
        self.assertIn("\r250/250 articles  100%", err.getvalue())
        self.assertEqual(Article.objects.count(), 250)

    def test_cached_pages_and_popular_posts_take_in_the_new_articles(self):
        generate(10, seed=1)  # Sections and authors exist from here on.
        cache.set(RANKING_KEY, [], timeout=None)
        version = content_version()
        call_command("generate_articles", "30", "--seed", "7", stdout=StringIO())
        self.assertNotEqual(content_version(), version)
        self.assertTrue(popular_ids())
        self.assertEqual(popular_ids(), compute_popular_ids(limit=len(popular_ids())))

    def test_refuses_a_count_below_one(self):
        with self.assertRaisesMessage(Exception, "count must be at least 1"):
            call_command("generate_articles", "0", stdout=StringIO())

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from articles.html import clean_html
from articles.models import Article
from articles.testing import make_article, make_section


class ArticleQuerySetLiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.live = make_article("Live", section=cls.section)
        cls.draft = make_article(
            "Draft", section=cls.section, status=Article.Status.DRAFT
        )
        cls.scheduled = make_article(
            "Scheduled",
            section=cls.section,
            publish_at=timezone.now() + timedelta(hours=2),
        )
        cls.old_draft = make_article(
            "Unpublished",
            section=cls.section,
            status=Article.Status.DRAFT,
            age=timedelta(days=30),
        )

    def test_live_holds_only_published_and_due_articles(self):
        self.assertQuerySetEqual(Article.objects.live(), [self.live])

    def test_is_live_mirrors_the_queryset(self):
        self.assertIs(self.live.is_live(), True)
        self.assertIs(self.draft.is_live(), False)
        self.assertIs(self.scheduled.is_live(), False)
        self.assertIs(self.scheduled.is_scheduled(), True)

    def test_scheduled_article_goes_live_at_its_publish_second(self):
        publish_at = self.scheduled.publish_at
        with mock.patch(
            "django.utils.timezone.now", return_value=publish_at - timedelta(seconds=1)
        ):
            self.assertNotIn(self.scheduled, Article.objects.live())
            self.assertIs(self.scheduled.is_live(), False)
        with mock.patch("django.utils.timezone.now", return_value=publish_at):
            self.assertIn(self.scheduled, Article.objects.live())
            self.assertIs(self.scheduled.is_live(), True)

    def test_unpublish_takes_the_article_out_at_once(self):
        article = make_article("Retracted", section=self.section)
        article.unpublish()
        self.assertNotIn(article, Article.objects.live())

    def test_in_section_includes_subsections(self):
        asia = make_section("Asia", slug="asia", parent=self.section)
        in_asia = make_article("In Asia", section=asia)
        elsewhere = make_article("Elsewhere")
        articles = Article.objects.live().in_section(self.section)
        self.assertIn(in_asia, articles)
        self.assertIn(self.live, articles)
        self.assertNotIn(elsewhere, articles)


class ArticleModelTests(TestCase):
    def test_slug_is_filled_from_headline_and_kept_unique(self):
        first = make_article("Talks begin in Beijing")
        second = make_article("Talks begin in Beijing")
        self.assertEqual(first.slug, "talks-begin-in-beijing")
        self.assertEqual(second.slug, "talks-begin-in-beijing-2")

    def test_canonical_url_has_section_date_and_slug(self):
        section = make_section("World News", slug="world")
        article = make_article(
            "Blinken begins talks",
            section=section,
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 9, 0)),
        )
        self.assertEqual(
            article.get_absolute_url(), "/world/2023/06/18/blinken-begins-talks/"
        )
        self.assertEqual(article.get_short_url(), f"/a/{article.pk}/")


class BodySanitizingTests(TestCase):
    def test_scripts_event_handlers_and_javascript_links_are_removed_on_save(self):
        article = make_article(
            body=(
                "<p>Fine <script>alert(1)</script>text</p>"
                '<img src="x" onerror="alert(2)">'
                '<p onclick="steal()">Click</p>'
                '<a href="javascript:alert(3)">bad link</a>'
                '<a href="JaVaScRiPt:alert(4)">sneaky</a>'
                '<p style="background:url(javascript:alert(5))">styled</p>'
                "<style>body{display:none}</style>"
                '<iframe src="https://evil.example"></iframe>'
            )
        )
        article.refresh_from_db()
        body = article.body.lower()
        for forbidden in [
            "<script",
            "alert(1)",
            "onerror",
            "onclick",
            "javascript:",
            "style=",
            "<style",
            "display:none",
            "<iframe",
            "<img",
        ]:
            self.assertNotIn(forbidden, body)
        self.assertIn("<p>Fine text</p>", article.body)
        self.assertIn("bad link", article.body)

    def test_editorial_markup_is_kept(self):
        html = (
            "<h2>Subheading</h2><p><strong>Bold</strong> and <em>italic</em> "
            '<a href="https://example.org/report">a link</a></p>'
            "<blockquote><p>A quotation</p></blockquote><ul><li>One</li></ul>"
        )
        cleaned = clean_html(html)
        self.assertIn("<h2>Subheading</h2>", cleaned)
        self.assertIn("<blockquote><p>A quotation</p></blockquote>", cleaned)
        self.assertIn('href="https://example.org/report"', cleaned)
        self.assertIn('rel="noopener noreferrer"', cleaned)
        self.assertIn("<ul><li>One</li></ul>", cleaned)

    def test_empty_editor_document_is_stored_empty(self):
        self.assertEqual(clean_html("<p></p>"), "")


class TagParsingTests(TestCase):
    def test_commas_separate_tags_and_spaces_stay_in_names(self):
        from articles.tagging import parse_tags

        self.assertEqual(
            parse_tags('United States, china,  "Antony  Blinken" ,, China'),
            ["Antony Blinken", "china", "United States"],
        )
        self.assertEqual(parse_tags("Browser Testing"), ["Browser Testing"])
        self.assertEqual(parse_tags(""), [])

    def test_tag_field_round_trips_multi_word_tags(self):
        article = make_article(tags=["United States", "Trade"])
        from taggit.utils import edit_string_for_tags

        self.assertEqual(
            edit_string_for_tags(article.tags.all()), "Trade, United States"
        )

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles.models import Article
from articles.search import parse_query, search_articles
from articles.testing import make_article, make_section


class SearchRankingTests(TestCase):
    """Runs on SQLite (FTS5) and, in CI, on PostgreSQL (tsvector)."""

    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.science = make_section("Science", slug="science")
        cls.in_body = make_article(
            "Markets steady",
            section=cls.world,
            body="<p>Traders mentioned the glacier only in passing.</p>",
            age=timedelta(hours=1),
        )
        cls.in_standfirst = make_article(
            "Alpine research",
            section=cls.science,
            standfirst="A glacier study begins.",
            body="<p>Scientists drilled ice.</p>",
            age=timedelta(hours=2),
        )
        cls.in_headline = make_article(
            "Glacier retreat accelerates",
            section=cls.science,
            body="<p>Measurements show faster melting.</p>",
            age=timedelta(days=40),
        )
        cls.draft = make_article(
            "Glacier draft", section=cls.science, status=Article.Status.DRAFT
        )
        cls.future = make_article(
            "Glacier embargo",
            section=cls.science,
            publish_at=timezone.now() + timedelta(hours=1),
        )

    def search(self, text, queryset=None):
        return list(search_articles(queryset or Article.objects.live(), text))

    def test_headline_outranks_standfirst_outranks_body(self):
        self.assertEqual(
            self.search("glacier"), [self.in_headline, self.in_standfirst, self.in_body]
        )

    def test_only_live_articles_are_found(self):
        results = self.search("glacier")
        self.assertNotIn(self.draft, results)
        self.assertNotIn(self.future, results)

    def test_all_words_must_match_and_stems_match(self):
        self.assertEqual(self.search("glacier drilled"), [self.in_standfirst])
        # "drilling" and "drilled" share a stem in both backends.
        self.assertEqual(self.search("drilling"), [self.in_standfirst])

    def test_quoted_phrase_and_excluded_word(self):
        self.assertEqual(self.search('"glacier retreat"'), [self.in_headline])
        self.assertCountEqual(
            self.search("glacier -traders"), [self.in_headline, self.in_standfirst]
        )

    def test_index_follows_edits(self):
        article = make_article("Volcano erupts", section=self.world)
        self.assertEqual(self.search("volcano"), [article])
        article.headline = "Earthquake strikes"
        article.save()
        self.assertEqual(self.search("volcano"), [])
        self.assertEqual(self.search("earthquake"), [article])
        article.delete()
        self.assertEqual(self.search("earthquake"), [])

    def test_hostile_queries_never_error(self):
        for text in [
            "",
            "   ",
            "x" * 2500,
            '"unbalanced quote',
            'a "b" "c',
            "OR AND NOT NEAR ( ) * : ^ ~ - + | & ! < > { } [ ]",
            "glacier\x00\x01\x7f",
            "-",
            "--glacier",
            "'; DROP TABLE articles_article; --",
            "glacier " * 300,
            "Übersee 北京 🚀",
            "%_\\",
        ]:
            with self.subTest(text=text[:40]):
                results = self.search(text)
                self.assertIsInstance(results, list)
        self.assertEqual(len(self.search("glacier\x00")), 3)

    def test_query_parsing_caps_terms_and_keeps_phrases(self):
        wanted, unwanted = parse_query('"spy balloon" talks -china ' + "w " * 50)
        self.assertEqual(wanted[:2], [("spy", "balloon"), ("talks",)])
        self.assertEqual(unwanted, [("china",)])
        self.assertLessEqual(len(wanted), 12)


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.science = make_section("Science", slug="science")
        cls.old = make_article(
            "Glacier study from June",
            section=cls.science,
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 10, 9)),
        )
        cls.asian = make_article(
            "Glacier melt in the Himalayas",
            section=cls.asia,
            body="<p>Villages depend on glacier water.</p>",
            publish_at=timezone.make_aware(timezone.datetime(2023, 7, 2, 9)),
        )

    def test_results_have_marked_snippets_and_a_count(self):
        response = self.client.get("/search/", {"q": "glacier water"})
        self.assertContains(response, "1 result")
        self.assertContains(response, "<mark>Glacier</mark> melt", html=False)
        self.assertContains(
            response, "depend on <mark>glacier</mark> <mark>water</mark>"
        )
        self.assertEqual(response["X-Robots-Tag"], "noindex, follow")

    def test_section_filter_includes_subsections(self):
        response = self.client.get("/search/", {"q": "glacier", "section": "world"})
        self.assertEqual(list(response.context["page_obj"]), [self.asian])

    def test_date_range_filter(self):
        response = self.client.get(
            "/search/",
            {"q": "glacier", "date_from": "2023-06-01", "date_to": "2023-06-30"},
        )
        self.assertEqual(list(response.context["page_obj"]), [self.old])

    def test_bad_filters_are_form_errors_not_failures(self):
        for params in [
            {"q": "glacier", "date_from": "not-a-date"},
            {"q": "glacier", "section": "no-such-section"},
            {"q": "glacier", "date_from": "2023-07-01", "date_to": "2023-06-01"},
        ]:
            with self.subTest(params=params):
                response = self.client.get("/search/", params)
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["page_obj"])
                self.assertFalse(response.context["form"].is_valid())

    def test_escapes_the_query_and_results(self):
        response = self.client.get("/search/", {"q": "<script>alert(1)</script>"})
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;")

    def test_pagination_keeps_the_query_and_bad_pages_are_404(self):
        for n in range(25):
            make_article(f"Glacier note {n}", section=self.science)
        first = self.client.get("/search/", {"q": "glacier"})
        self.assertContains(first, "q=glacier&amp;page=2")
        second = self.client.get("/search/", {"q": "glacier", "page": 2})
        self.assertEqual(len(second.context["page_obj"]), 7)
        self.assertEqual(
            self.client.get("/search/", {"q": "glacier", "page": 9}).status_code, 404
        )

    def test_empty_search_page_shows_the_form(self):
        response = self.client.get("/search/")
        self.assertContains(response, '<label for="id_q">Search for</label>', html=True)
        self.assertIsNone(response.context["page_obj"])

    def test_query_count_does_not_grow_with_results(self):
        with self.assertNumQueries(4) as first:
            self.client.get("/search/", {"q": "glacier"})
        for n in range(15):
            make_article(f"Glacier extra {n}", section=self.asia)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get("/search/", {"q": "glacier"})


class ArchiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section("World News", slug="world")
        cls.june = make_article(
            "June story",
            section=section,
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 9)),
        )
        cls.july = make_article(
            "July story",
            section=section,
            publish_at=timezone.make_aware(timezone.datetime(2023, 7, 1, 9)),
        )
        make_article(
            "June draft",
            section=section,
            status=Article.Status.DRAFT,
            publish_at=timezone.make_aware(timezone.datetime(2023, 6, 18, 10)),
        )

    def test_year_month_and_day_archives_list_live_articles(self):
        cases = {
            "/archive/2023/": [self.july, self.june],
            "/archive/2023/06/": [self.june],
            "/archive/2023/06/18/": [self.june],
        }
        for path, expected in cases.items():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(list(response.context["page_obj"]), expected)
                self.assertNotContains(response, "June draft")

    def test_invalid_or_empty_dates_are_404(self):
        for path in [
            "/archive/2023/02/30/",
            "/archive/2023/13/",
            "/archive/2023/00/",
            "/archive/1999/",
            "/archive/2023/06/19/",
            "/archive/2023/06/?page=5",
            "/archive/2023/06/?page=x",
            "/archive/99999999999999999999/",
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_month_archive_links_to_neighbouring_months(self):
        response = self.client.get("/archive/2023/06/")
        self.assertContains(response, 'href="/archive/2023/07/"')

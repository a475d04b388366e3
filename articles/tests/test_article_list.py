from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import pagination
from articles.models import Article
from articles.testing import make_article, make_author, make_section, make_user

LIST = "admin:articles_article_changelist"


class ArticleListTests(TestCase):
    """The admin's article list costs the same however many articles, tags
    and authors there are, and its filters print no list of them."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", "Editor")
        cls.section = make_section("Science", slug="science")
        cls.other_section = make_section("Sport", slug="sport")
        cls.author = make_author("Eleanor Fairweather")
        cls.other_author = make_author("Tomasz Wrona")
        cls.comet = make_article(
            "Comet seen from the Alps",
            section=cls.section,
            tags=["Astronomy", "Alps"],
            authors=[cls.author],
        )
        cls.match = make_article(
            "Cup final goes to extra time",
            section=cls.other_section,
            tags=["Football"],
            authors=[cls.other_author],
        )

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse(LIST)

    def add_articles(self, count, *, tags_each=3):
        for number in range(count):
            make_article(
                f"Filler story {number}",
                # Each in a section of its own, below another (shown with
                # the parent's name).
                section=make_section(parent=make_section()),
                tags=[f"Filler tag {number}-{n}" for n in range(tags_each)],
                authors=[make_author()],
                age=timedelta(days=number + 1),
            )

    def queries_of(self, params=None):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(self.url, params or {})
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_queries_do_not_grow_with_articles_tags_and_authors(self):
        for params in [{}, {"tags__id__exact": self.comet.tags.get(name="Alps").pk}]:
            with self.subTest(params=params):
                before = self.queries_of(params)
                self.add_articles(10)
                self.assertEqual(self.queries_of(params), before)
                self.add_articles(20)
                self.assertEqual(self.queries_of(params), before)
                Article.objects.filter(headline__startswith="Filler").delete()

    def test_the_first_page_runs_a_fixed_number_of_queries(self):
        self.add_articles(30)
        # Session, user, the user's and the groups' permissions, the count
        # (on PostgreSQL the planner's estimate first, see pagination.py),
        # the page (with sections), its bylines, and the site's section menu
        # (a context processor).
        with self.assertNumQueries(8 + (connection.vendor == "postgresql")):
            self.client.get(self.url)

    def test_filters_print_no_list_of_tags_authors_or_sections(self):
        make_section("Weather", slug="weather")
        make_author("Ingrid Solberg")
        response = self.client.get(self.url)
        # Tags are no column of the list; the section and author have no
        # article on it.
        for name in ["Astronomy", "Football", "Weather", "Ingrid Solberg"]:
            self.assertNotContains(response, name)
        # Three search boxes, asking the admin's autocomplete view.
        self.assertContains(response, 'class="list-filter-autocomplete', count=3)
        self.assertContains(response, 'data-field-name="tags"')
        self.assertContains(response, "admin-extra/list-filter-autocomplete.js")
        self.assertContains(response, "admin/js/vendor/select2/select2.full")

    def test_filters_keep_their_parameters_and_show_the_chosen_item(self):
        alps = self.comet.tags.get(name="Alps")
        for params, shown in [
            ({"tags__id__exact": alps.pk}, "Alps"),
            ({"bylines__author__id__exact": self.author.pk}, "Eleanor Fairweather"),
            ({"section__id__exact": self.section.pk}, "Science"),
        ]:
            with self.subTest(params=params):
                response = self.client.get(self.url, params)
                self.assertContains(response, self.comet.headline)
                self.assertNotContains(response, self.match.headline)
                # The chosen item is in its box, selected.
                self.assertRegex(
                    response.content.decode(),
                    rf'<option value="\d+" selected>{shown}</option>',
                )
                # Other items are not listed.
                self.assertNotContains(response, ">Football<")

    def test_autocomplete_finds_tags_authors_and_sections(self):
        url = reverse("admin:autocomplete")
        for field, model, term, found in [
            ("tags", "article", "astro", "Astronomy"),
            ("section", "article", "sci", "Science"),
            ("author", "articleauthor", "eleanor", "Eleanor Fairweather"),
        ]:
            with self.subTest(field=field):
                response = self.client.get(
                    url,
                    {
                        "app_label": "articles",
                        "model_name": model,
                        "field_name": field,
                        "term": term,
                    },
                )
                self.assertEqual(response.status_code, 200)
                texts = [item["text"] for item in response.json()["results"]]
                self.assertEqual(texts, [found])

    def test_a_bad_filter_value_gives_the_admins_error_not_a_500(self):
        for params in [
            {"tags__id__exact": "astronomy"},
            {"bylines__author__id__exact": "x"},
            {"section__id__exact": "1 OR 1=1"},
        ]:
            with self.subTest(params=params):
                response = self.client.get(self.url, params)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].endswith("?e=1"))
        # An id that names nothing is an empty list.
        response = self.client.get(self.url, {"tags__id__exact": 2**70})
        self.assertEqual(response.status_code, 302)
        response = self.client.get(self.url, {"tags__id__exact": 999999})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "0 articles")

    def test_page_50_opens(self):
        self.add_articles(1000 // 20 * 20 - 2, tags_each=0)
        response = self.client.get(self.url, {"p": 50})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1000 articles")
        # The oldest article is the last row of the last page.
        self.assertContains(response, "Filler story 997")
        self.assertEqual(self.client.get(self.url, {"p": 51}).status_code, 302)


class EstimatedCountTests(TestCase):
    """A long list is estimated, not counted (PostgreSQL's planner)."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", "Editor")
        section = make_section("Science", slug="science")
        for number in range(25):
            make_article(f"Story {number}", section=section, tags=["Science"])

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse(LIST)

    def estimate(self, rows):
        return mock.patch.object(pagination, "estimated_rows", return_value=rows)

    def test_a_long_list_shows_a_rounded_estimate_and_still_pages(self):
        with self.estimate(123_456):
            response = self.client.get(self.url)
            self.assertContains(response, "120000 articles")
            self.assertContains(response, "is an estimate")
            # Past the estimate's pages: the admin's error, never a 500.
            self.assertEqual(self.client.get(self.url, {"p": 2}).status_code, 200)
            self.assertEqual(self.client.get(self.url, {"p": 3}).status_code, 302)

    def test_a_short_list_is_counted(self):
        with self.estimate(pagination.ESTIMATE_FROM - 1):
            response = self.client.get(self.url)
        self.assertContains(response, "25 articles")
        self.assertNotContains(response, "is an estimate")

    def test_the_estimate_is_the_planners_for_the_filtered_list(self):
        everything = pagination.estimated_rows(Article.objects.all())
        one = pagination.estimated_rows(Article.objects.filter(headline="Story 1"))
        if connection.vendor != "postgresql":
            self.assertIsNone(everything)
            return
        self.assertIsInstance(everything, int)
        self.assertLess(one, everything)

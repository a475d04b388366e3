from datetime import datetime, timedelta

from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section

from .helpers import make_hidden_articles

LIST_URL = "/api/v1/articles/"


def on(day, hour=12):
    """Return an aware datetime on a day of June 2023, site time."""
    return timezone.make_aware(datetime(2023, 6, day, hour))


def headlines(response):
    return [item["headline"] for item in response.json()["results"]]


@override_settings(TIME_ZONE="UTC")
class ArticleListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.second_author = make_author("Daniel Achterberg")
        cls.article = make_article(
            "Blinken begins talks in China",
            section=cls.world,
            kind=Article.Kind.ANALYSIS,
            publish_at=on(18, 9),
            standfirst="The current mood is very tense.",
            body="<p>Opening paragraph.</p>",
            tags=["China", "Diplomacy"],
            authors=[cls.author, cls.second_author],
        )
        cls.newer = make_article("Markets rally", publish_at=on(20))
        cls.hidden = make_hidden_articles(section=cls.world, tags=["China"])

    def test_lists_only_live_articles_newest_first(self):
        response = self.client.get(LIST_URL)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            headlines(response), ["Markets rally", "Blinken begins talks in China"]
        )
        self.assertEqual(response.json()["count"], 2)

    def test_item_has_the_documented_fields_without_body(self):
        item = self.client.get(LIST_URL).json()["results"][1]

        self.assertEqual(
            item,
            {
                "id": self.article.pk,
                "url": f"http://testserver{self.article.get_absolute_url()}",
                "short_url": f"http://testserver/a/{self.article.pk}/",
                "headline": "Blinken begins talks in China",
                "slug": self.article.slug,
                "kind": "analysis",
                "standfirst": "The current mood is very tense.",
                "section": {
                    "slug": "world",
                    "name": "World News",
                    "url": "http://testserver/world/",
                },
                "authors": [
                    {
                        "slug": "mara-lindqvist",
                        "name": "Mara Lindqvist",
                        "url": "http://testserver/author/mara-lindqvist/",
                    },
                    {
                        "slug": "daniel-achterberg",
                        "name": "Daniel Achterberg",
                        "url": "http://testserver/author/daniel-achterberg/",
                    },
                ],
                "tags": [
                    {"slug": "china", "name": "China"},
                    {"slug": "diplomacy", "name": "Diplomacy"},
                ],
                "published": "2023-06-18T09:00:00Z",
                "modified": item["modified"],
            },
        )
        self.article.refresh_from_db()
        self.assertAlmostEqual(
            datetime.fromisoformat(item["modified"]),
            self.article.updated_at,
            delta=timedelta(milliseconds=1),
        )

    @override_settings(ALLOWED_HOSTS=["news.example.org"])
    def test_urls_are_absolute_for_the_requested_host(self):
        item = self.client.get(LIST_URL, headers={"host": "news.example.org"}).json()[
            "results"
        ][1]

        self.assertTrue(item["url"].startswith("http://news.example.org/world/"))


@override_settings(TIME_ZONE="UTC")
class ArticleFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World", slug="world")
        cls.asia = make_section("Asia", slug="asia", parent=cls.world)
        cls.sport = make_section("Sport", slug="sport")
        cls.mara = make_author("Mara Lindqvist")
        cls.daniel = make_author("Daniel Achterberg")
        make_article(
            "Talks open in Beijing",
            section=cls.asia,
            publish_at=on(17),
            tags=["China"],
            authors=[cls.daniel, cls.mara],
            standfirst="Diplomats meet for the first time in years.",
        )
        make_article(
            "Ministers meet in Geneva",
            section=cls.world,
            publish_at=on(18, 0),
            tags=["Diplomacy"],
            authors=[cls.mara],
            body="<p>A summit about <em>shipping lanes</em>.</p>",
        )
        make_article(
            "Cup final goes to penalties",
            section=cls.sport,
            publish_at=on(18, 23),
            tags=["Football", "China"],
            authors=[cls.daniel],
        )
        make_article("Season opens", section=cls.sport, publish_at=on(19))
        make_hidden_articles(section=cls.asia, tags=["China"], authors=[cls.mara])

    def get(self, **params):
        response = self.client.get(LIST_URL, params)
        self.assertEqual(response.status_code, 200, response.content)
        return sorted(headlines(response))

    def test_section_includes_its_subsections(self):
        self.assertEqual(
            self.get(section="world"),
            ["Ministers meet in Geneva", "Talks open in Beijing"],
        )

    def test_subsection_excludes_its_parent(self):
        self.assertEqual(self.get(section="asia"), ["Talks open in Beijing"])

    def test_unknown_section_lists_nothing(self):
        self.assertEqual(self.get(section="nowhere"), [])

    def test_tag_filter_lists_live_articles_with_the_tag(self):
        self.assertEqual(
            self.get(tag="china"),
            ["Cup final goes to penalties", "Talks open in Beijing"],
        )

    def test_author_filter_lists_live_articles_in_their_byline(self):
        self.assertEqual(
            self.get(author="mara-lindqvist"),
            ["Ministers meet in Geneva", "Talks open in Beijing"],
        )

    def test_filters_combine(self):
        self.assertEqual(
            self.get(tag="china", author="daniel-achterberg", section="sport"),
            ["Cup final goes to penalties"],
        )

    def test_published_after_a_date_includes_that_whole_day(self):
        self.assertEqual(
            self.get(published_after="2023-06-18"),
            ["Cup final goes to penalties", "Ministers meet in Geneva", "Season opens"],
        )

    def test_published_before_a_date_includes_that_whole_day(self):
        self.assertEqual(
            self.get(published_before="2023-06-18"),
            [
                "Cup final goes to penalties",
                "Ministers meet in Geneva",
                "Talks open in Beijing",
            ],
        )

    def test_date_range_of_one_day(self):
        self.assertEqual(
            self.get(published_after="2023-06-18", published_before="2023-06-18"),
            ["Cup final goes to penalties", "Ministers meet in Geneva"],
        )

    def test_datetime_bounds_are_inclusive_and_respect_offsets(self):
        self.assertEqual(
            self.get(
                published_after="2023-06-18T00:00:00Z",
                published_before="2023-06-18T22:00:00-01:00",
            ),
            ["Cup final goes to penalties", "Ministers meet in Geneva"],
        )
        self.assertEqual(
            self.get(published_after="2023-06-18T00:00:01"),
            ["Cup final goes to penalties", "Season opens"],
        )

    def test_q_matches_headline_standfirst_and_body(self):
        self.assertEqual(self.get(q="penalties"), ["Cup final goes to penalties"])
        self.assertEqual(self.get(q="diplomats"), ["Talks open in Beijing"])
        self.assertEqual(self.get(q="shipping"), ["Ministers meet in Geneva"])

    def test_q_never_finds_articles_that_are_not_live(self):
        self.assertEqual(self.get(q="story"), [])

    def test_blank_q_is_ignored(self):
        self.assertEqual(len(self.get(q="  ")), 4)


class ArticlePaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section("World")
        for n in range(25):
            make_article(f"Story {n:02d}", section=section, age=timedelta(hours=n + 1))

    def test_default_page_has_twenty_items_and_links(self):
        body = self.client.get(LIST_URL).json()

        self.assertEqual(len(body["results"]), 20)
        self.assertEqual(body["count"], 25)
        self.assertEqual(body["page"], 1)
        self.assertEqual(body["page_size"], 20)
        self.assertEqual(body["num_pages"], 2)
        self.assertIsNone(body["previous"])
        self.assertEqual(body["next"], "http://testserver/api/v1/articles/?page=2")

    def test_last_page_holds_the_rest_and_links_back(self):
        body = self.client.get(LIST_URL, {"page": 2}).json()

        self.assertEqual(
            [item["headline"] for item in body["results"]],
            [f"Story {n:02d}" for n in range(20, 25)],
        )
        self.assertIsNone(body["next"])
        self.assertEqual(body["previous"], "http://testserver/api/v1/articles/?page=1")

    def test_page_size_is_chosen_and_kept_with_filters_in_links(self):
        body = self.client.get(LIST_URL, {"page_size": 10, "q": "story"}).json()

        self.assertEqual(len(body["results"]), 10)
        self.assertEqual(body["num_pages"], 3)
        self.assertEqual(
            body["next"],
            "http://testserver/api/v1/articles/?page_size=10&q=story&page=2",
        )

    def test_page_size_of_one_hundred_is_allowed(self):
        response = self.client.get(LIST_URL, {"page_size": 100})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()["results"]), 25)

    def test_page_size_over_one_hundred_is_refused_as_json(self):
        response = self.client.get(LIST_URL, {"page_size": 101})

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["query", "page_size"])

    def test_bad_or_out_of_range_page_is_a_json_404(self):
        for page in ["3", "0", "-1", "abc", "1.5", "99999999999999999999999"]:
            with self.subTest(page=page):
                response = self.client.get(LIST_URL, {"page": page})

                self.assertEqual(response.status_code, 404)
                self.assertEqual(
                    response["Content-Type"], "application/json; charset=utf-8"
                )
                self.assertIn("detail", response.json())

    def test_empty_result_is_an_empty_first_page(self):
        body = self.client.get(LIST_URL, {"tag": "nothing"}).json()

        self.assertEqual(body["results"], [])
        self.assertEqual(body["count"], 0)


class ArticleListQueryCountTests(TestCase):
    # Count, articles with sections, bylines with authors, tags.
    QUERIES = 4

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World")
        cls.authors = [make_author(), make_author()]

    def add_articles(self, count):
        for n in range(count):
            make_article(
                section=make_section(),
                authors=self.authors,
                tags=[f"tag {n}", "shared"],
            )

    def test_list_page_makes_the_same_queries_for_few_and_many_articles(self):
        self.client.get(LIST_URL)  # Caches content types.
        self.add_articles(2)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(LIST_URL)
        self.assertEqual(len(response.json()["results"]), 2)

        self.add_articles(18)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get(LIST_URL)
        self.assertEqual(len(response.json()["results"]), 20)

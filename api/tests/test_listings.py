from django.test import TestCase

from articles.testing import make_article, make_author, make_section

from .helpers import make_hidden_articles


class SectionListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world", nav_order=1)
        cls.asia = make_section("Asia", slug="asia", parent=cls.world, nav_order=2)
        cls.empty = make_section("Opinion", slug="opinion", nav_order=3)
        make_hidden_articles(section=cls.empty)

    def test_lists_the_tree_in_navigation_order(self):
        response = self.client.get("/api/v1/sections/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["results"],
            [
                {
                    "slug": "world",
                    "name": "World News",
                    "parent": None,
                    "url": "http://testserver/world/",
                },
                {
                    "slug": "asia",
                    "name": "Asia",
                    "parent": "world",
                    "url": "http://testserver/asia/",
                },
                {
                    "slug": "opinion",
                    "name": "Opinion",
                    "parent": None,
                    "url": "http://testserver/opinion/",
                },
            ],
        )

    def test_sections_are_listed_whatever_their_articles(self):
        # Opinion holds only articles that are not live; it is still a section.
        self.assertEqual(self.client.get("/api/v1/sections/").json()["count"], 3)

    def test_is_paginated(self):
        body = self.client.get("/api/v1/sections/", {"page_size": 2}).json()

        self.assertEqual(len(body["results"]), 2)
        self.assertEqual(body["num_pages"], 2)
        self.assertEqual(
            self.client.get("/api/v1/sections/", {"page": 9}).status_code, 404
        )

    def test_list_makes_two_queries(self):
        with self.assertNumQueries(2):
            self.client.get("/api/v1/sections/")


class TagListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_article(tags=["China", "Diplomacy"])
        make_article(tags=["China"])
        make_hidden_articles(tags=["China", "Secret plans"])

    def test_lists_tags_of_live_articles_with_live_counts(self):
        response = self.client.get("/api/v1/tags/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["results"],
            [
                {
                    "slug": "china",
                    "name": "China",
                    "article_count": 2,
                    "url": "http://testserver/tag/china/",
                },
                {
                    "slug": "diplomacy",
                    "name": "Diplomacy",
                    "article_count": 1,
                    "url": "http://testserver/tag/diplomacy/",
                },
            ],
        )

    def test_tag_used_only_on_articles_that_are_not_live_is_not_listed(self):
        slugs = [
            tag["slug"] for tag in self.client.get("/api/v1/tags/").json()["results"]
        ]

        self.assertNotIn("secret-plans", slugs)

    def test_is_paginated(self):
        body = self.client.get("/api/v1/tags/", {"page_size": 1, "page": 2}).json()

        self.assertEqual([tag["slug"] for tag in body["results"]], ["diplomacy"])
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            body["previous"], "http://testserver/api/v1/tags/?page_size=1&page=1"
        )


class AuthorListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_author("Mara Lindqvist", bio="Covers China.")
        make_author("Daniel Achterberg")

    def test_lists_authors_by_name(self):
        response = self.client.get("/api/v1/authors/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["results"],
            [
                {
                    "slug": "daniel-achterberg",
                    "name": "Daniel Achterberg",
                    "bio": "",
                    "url": "http://testserver/author/daniel-achterberg/",
                },
                {
                    "slug": "mara-lindqvist",
                    "name": "Mara Lindqvist",
                    "bio": "Covers China.",
                    "url": "http://testserver/author/mara-lindqvist/",
                },
            ],
        )

    def test_is_paginated(self):
        body = self.client.get("/api/v1/authors/", {"page_size": 1}).json()

        self.assertEqual(len(body["results"]), 1)
        self.assertEqual(
            body["next"], "http://testserver/api/v1/authors/?page_size=1&page=2"
        )

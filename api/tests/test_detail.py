from datetime import datetime

from django.test import TestCase
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section

from .helpers import make_hidden_articles


class ArticleDetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.article = make_article(
            "Blinken begins talks in China",
            section=cls.world,
            publish_at=timezone.make_aware(datetime(2023, 6, 18, 9)),
            body="<p>Opening.</p><h2>Dialogue with conditions</h2>",
            tags=["China"],
            authors=[make_author("Mara Lindqvist")],
        )
        cls.hidden = make_hidden_articles(section=cls.world)

    def test_detail_by_id_includes_the_sanitized_body(self):
        response = self.client.get(f"/api/v1/articles/{self.article.pk}/")

        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["id"], self.article.pk)
        self.assertEqual(body["headline"], "Blinken begins talks in China")
        self.assertEqual(
            body["body"], "<p>Opening.</p><h2>Dialogue with conditions</h2>"
        )
        self.assertEqual(body["authors"][0]["slug"], "mara-lindqvist")

    def test_body_is_sanitized(self):
        article = make_article(body='<p onclick="x()">Hi</p><script>alert(1)</script>')

        body = self.client.get(f"/api/v1/articles/{article.pk}/").json()["body"]

        self.assertNotIn("script", body)
        self.assertNotIn("onclick", body)

    def test_articles_that_are_not_live_are_404_by_id(self):
        for article in self.hidden:
            with self.subTest(article.headline):
                response = self.client.get(f"/api/v1/articles/{article.pk}/")

                self.assertEqual(response.status_code, 404)
                self.assertIn("detail", response.json())

    def test_unknown_and_out_of_range_ids_are_404(self):
        for article_id in ["0", "999999", "99999999999999999999999"]:
            with self.subTest(article_id):
                response = self.client.get(f"/api/v1/articles/{article_id}/")

                self.assertEqual(response.status_code, 404)
                self.assertIn("detail", response.json())

    def test_lookup_by_canonical_path_finds_the_article(self):
        response = self.client.get(
            "/api/v1/articles/lookup/", {"path": self.article.get_absolute_url()}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], self.article.pk)
        self.assertIn("body", response.json())

    def test_lookup_accepts_a_full_url(self):
        url = f"https://news.example.org{self.article.get_absolute_url()}?ref=x"

        response = self.client.get("/api/v1/articles/lookup/", {"path": url})

        self.assertEqual(response.json()["id"], self.article.pk)

    def test_lookup_of_articles_that_are_not_live_is_404(self):
        for article in self.hidden:
            with self.subTest(article.headline):
                response = self.client.get(
                    "/api/v1/articles/lookup/", {"path": article.get_absolute_url()}
                )

                self.assertEqual(response.status_code, 404)
                self.assertIn("detail", response.json())

    def test_lookup_of_non_canonical_paths_is_404(self):
        canonical = self.article.get_absolute_url()
        other_section = make_section("Sport", slug="sport")
        paths = [
            canonical.replace("/world/", f"/{other_section.slug}/"),
            canonical.replace("/18/", "/19/"),
            canonical.rstrip("/"),
            self.article.get_short_url(),
            "/world/",
            "/no/such/page/",
            "",
            "world/2023/06/18/blinken/",
        ]
        for path in paths:
            with self.subTest(path):
                response = self.client.get("/api/v1/articles/lookup/", {"path": path})

                self.assertEqual(response.status_code, 404)
                self.assertIn("detail", response.json())

    def test_lookup_of_a_former_address_is_404(self):
        article = make_article("Old headline", section=self.world)
        old_path = article.get_absolute_url()
        article.slug = "new-headline"
        article.save()

        response = self.client.get("/api/v1/articles/lookup/", {"path": old_path})

        self.assertEqual(response.status_code, 404)

    def test_lookup_without_path_is_a_json_422(self):
        response = self.client.get("/api/v1/articles/lookup/")

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["query", "path"])

    def test_an_article_that_goes_live_appears_and_one_pulled_disappears(self):
        draft = self.hidden[0]
        Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
        Article.objects.filter(pk=self.article.pk).update(
            status=Article.Status.UNPUBLISHED
        )

        self.assertEqual(
            self.client.get(f"/api/v1/articles/{draft.pk}/").status_code, 200
        )
        self.assertEqual(
            self.client.get(f"/api/v1/articles/{self.article.pk}/").status_code, 404
        )

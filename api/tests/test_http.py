from django.test import TestCase

from articles.models import Article
from articles.testing import make_article

JSON = "application/json; charset=utf-8"
ENDPOINTS = [
    "/api/v1/articles/",
    "/api/v1/sections/",
    "/api/v1/tags/",
    "/api/v1/authors/",
    "/api/v1/openapi.json",
]


class CachingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article("Talks open", tags=["China"])

    def test_responses_are_publicly_cacheable_for_a_minute(self):
        for url in [*ENDPOINTS, f"/api/v1/articles/{self.article.pk}/"]:
            with self.subTest(url):
                response = self.client.get(url)

                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "public, max-age=60")
                self.assertTrue(response["ETag"].startswith('"'))

    def test_matching_if_none_match_gets_an_empty_304(self):
        for url in [*ENDPOINTS, f"/api/v1/articles/{self.article.pk}/"]:
            with self.subTest(url):
                etag = self.client.get(url)["ETag"]

                response = self.client.get(url, headers={"if-none-match": etag})

                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                self.assertEqual(response["ETag"], etag)
                self.assertEqual(response["Cache-Control"], "public, max-age=60")

    def test_stale_etag_gets_the_full_response(self):
        response = self.client.get(
            "/api/v1/articles/", headers={"if-none-match": '"stale"'}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 1)

    def test_etag_changes_when_the_content_changes(self):
        url = f"/api/v1/articles/{self.article.pk}/"
        etag = self.client.get(url)["ETag"]
        self.article.headline = "Talks open in Beijing"
        self.article.save()

        response = self.client.get(url, headers={"if-none-match": etag})

        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"], etag)

    def test_etag_of_the_list_changes_when_an_article_is_pulled(self):
        etag = self.client.get("/api/v1/articles/")["ETag"]
        Article.objects.filter(pk=self.article.pk).update(
            status=Article.Status.UNPUBLISHED
        )

        response = self.client.get("/api/v1/articles/", headers={"if-none-match": etag})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"], [])


class ErrorResponseTests(TestCase):
    def assertJSONError(self, response, status):
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"].split(";")[0], "application/json")
        self.assertIn("detail", response.json())

    def test_invalid_filters_are_422_with_the_parameter_named(self):
        cases = {
            "published_after": "yesterday",
            "published_before": "2023-02-30",
            "section": "no/slashes",
            "tag": "<script>",
            "author": "",
            "q": "x" * 201,
            "page_size": "0",
        }
        for name, value in cases.items():
            with self.subTest(name):
                response = self.client.get("/api/v1/articles/", {name: value})

                self.assertJSONError(response, 422)
                self.assertEqual(response.json()["detail"][0]["loc"], ["query", name])

    def test_hostile_values_are_refused_not_crashing(self):
        cases = [
            {"q": "nul\x00byte"},
            {"section": "nul\x00byte"},
            {"published_after": "0001-01-01"},
            {"published_before": "9999-12-31"},
            {"published_after": "2023-06-18T25:00:00"},
        ]
        for params in cases:
            with self.subTest(params):
                self.assertJSONError(self.client.get("/api/v1/articles/", params), 422)

    def test_search_syntax_is_never_an_error(self):
        for q in ['"unclosed', "-", "OR AND NOT", "a*", "(", "NEAR(a b)", "'; drop"]:
            with self.subTest(q):
                response = self.client.get("/api/v1/articles/", {"q": q})

                self.assertEqual(response.status_code, 200)

    def test_unknown_endpoints_are_json_404s(self):
        for url in ["/api/v1/nothing/", "/api/v1/articles/abc/", "/api/v1/a/b/c/"]:
            with self.subTest(url):
                self.assertJSONError(self.client.get(url), 404)

    def test_addresses_without_trailing_slash_redirect(self):
        response = self.client.get("/api/v1/articles")

        self.assertRedirects(
            response, "/api/v1/articles/", status_code=301, target_status_code=200
        )

    def test_writes_are_refused_with_a_json_405(self):
        for url in ["/api/v1/articles/", "/api/v1/openapi.json"]:
            for method in ["post", "put", "patch", "delete"]:
                with self.subTest(url=url, method=method):
                    response = getattr(self.client, method)(url)

                    self.assertJSONError(response, 405)
                    self.assertIn("GET", response["Allow"])

    def test_index_lists_the_endpoints(self):
        response = self.client.get("/api/v1/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], JSON)
        self.assertEqual(
            response.json()["schema"], "http://testserver/api/v1/openapi.json"
        )
        self.assertEqual(
            response.json()["articles"], "http://testserver/api/v1/articles/"
        )

from html.parser import HTMLParser

from openapi_spec_validator import validate

from django.test import TestCase

ENDPOINTS = {
    "/api/v1/articles/",
    "/api/v1/articles/{article_id}/",
    "/api/v1/articles/lookup/",
    "/api/v1/sections/",
    "/api/v1/tags/",
    "/api/v1/authors/",
}


class OpenAPISchemaTests(TestCase):
    def get_schema(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_schema_is_valid_openapi(self):
        validate(self.get_schema())

    def test_schema_lists_every_endpoint_as_a_get(self):
        paths = self.get_schema()["paths"]

        self.assertEqual(set(paths), ENDPOINTS)
        for path, operations in paths.items():
            with self.subTest(path):
                self.assertEqual(set(operations), {"get"})

    def test_schema_documents_list_parameters(self):
        parameters = {
            parameter["name"]
            for parameter in self.get_schema()["paths"]["/api/v1/articles/"]["get"][
                "parameters"
            ]
        }

        self.assertEqual(
            parameters,
            {
                "section",
                "tag",
                "author",
                "published_after",
                "published_before",
                "q",
                "page",
                "page_size",
            },
        )


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts, self.addresses = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.inline_scripts.append(attrs.get("type"))
        for name in ("src", "href"):
            if attrs.get(name):
                self.addresses.append(attrs[name])


class DocsPageTests(TestCase):
    def test_docs_page_uses_only_local_assets_and_no_inline_script(self):
        response = self.client.get("/api/v1/docs")

        self.assertEqual(response.status_code, 200)
        assets = _Assets()
        assets.feed(response.content.decode())
        # A JSON data block holds the settings; browsers do not run it.
        self.assertEqual(assets.inline_scripts, ["application/json"])
        self.assertTrue(assets.addresses)
        for address in assets.addresses:
            self.assertTrue(address.startswith("/static/"), address)
        self.assertIn(b'"validatorUrl": null', response.content)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])

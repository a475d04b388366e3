"""Addresses reversed once per process (newsroom/links.py)."""

from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from newsroom.links import reverse_cached

# This module doubles as a URLconf for the test that swaps ROOT_URLCONF.
urlpatterns = [
    path("elsewhere/<slug:slug>/", lambda request, slug: HttpResponse(), name="tag")
]


class ReverseCachedTests(SimpleTestCase):
    def tearDown(self):
        set_script_prefix("/")

    def test_gives_what_reverse_gives(self):
        self.assertEqual(
            reverse_cached("articles:tag", slug="el-nino"),
            reverse("articles:tag", kwargs={"slug": "el-nino"}),
        )
        self.assertEqual(
            reverse_cached("articles:archive-month", "2026", "11"),
            reverse("articles:archive-month", args=["2026", "11"]),
        )

    def test_a_new_script_prefix_gives_new_addresses(self):
        self.assertEqual(reverse_cached("articles:tag", slug="china"), "/tag/china/")
        set_script_prefix("/news/")
        self.assertEqual(
            reverse_cached("articles:tag", slug="china"), "/news/tag/china/"
        )

    def test_a_new_urlconf_gives_new_addresses(self):
        self.assertEqual(reverse_cached("articles:tag", slug="china"), "/tag/china/")
        with override_settings(ROOT_URLCONF="newsroom.test_links"):
            self.assertEqual(reverse_cached("tag", slug="china"), "/elsewhere/china/")
            with self.assertRaises(NoReverseMatch):
                reverse_cached("articles:tag", slug="china")
        self.assertEqual(reverse_cached("articles:tag", slug="china"), "/tag/china/")

    def test_bad_names_and_arguments_raise_as_reverse_does(self):
        with self.assertRaises(NoReverseMatch):
            reverse_cached("articles:no-such-page")
        with self.assertRaises(NoReverseMatch):
            reverse_cached("articles:archive-month", "2026", "November")

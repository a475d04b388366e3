from django.core.paginator import EmptyPage, InvalidPage
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.pagination import UncountedPaginator
from articles.testing import make_article, make_section


class UncountedPaginatorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Business")
        for n in range(5):
            make_article(f"Market story {n}", section=cls.section)

    def paginator(self, per_page):
        return UncountedPaginator(Article.objects.order_by("pk"), per_page)

    def test_knows_an_older_page_follows_without_counting(self):
        with CaptureQueriesContext(connection) as queries:
            page = self.paginator(2).page(2)
        self.assertEqual(len(queries), 1)
        self.assertNotIn("COUNT", queries[0]["sql"].upper())
        self.assertEqual(
            [a.headline for a in page], ["Market story 2", "Market story 3"]
        )
        self.assertTrue(page.has_previous())
        self.assertTrue(page.has_next())
        self.assertEqual((page.start_index(), page.end_index()), (3, 4))

    def test_a_full_last_page_has_no_older_page(self):
        last = self.paginator(5).page(1)
        self.assertEqual(len(last), 5)
        self.assertFalse(last.has_next())
        self.assertFalse(last.has_other_pages())

    def test_pages_past_the_end_and_bad_numbers_are_refused(self):
        for number in [4, 0, -1, "abc", None, 10**12]:
            with self.subTest(number=number), self.assertRaises(InvalidPage):
                self.paginator(2).page(number)
        with self.assertRaises(EmptyPage):
            self.paginator(5).page(2)

    @override_settings(NEWSROOM_PAGE_SIZE=2)
    def test_listing_pages_link_newer_and_older_pages(self):
        middle = self.client.get(self.section.get_absolute_url(), {"page": 2})
        self.assertContains(middle, '<a rel="prev" href="?page=1">Newer</a>', html=True)
        self.assertContains(middle, '<a rel="next" href="?page=3">Older</a>', html=True)
        self.assertContains(middle, "Page 2")
        last = self.client.get(self.section.get_absolute_url(), {"page": 3})
        self.assertNotContains(last, 'rel="next"')
        self.assertEqual(
            self.client.get(self.section.get_absolute_url(), {"page": 4}).status_code,
            404,
        )

import re
from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from frontpage.models import Block

SEED_SLUG = "us-secretary-of-state-blinken-begins-talks-in-china"
ARTICLE_LINK = re.compile(r'href="(/[^"/]+/\d{4}/\d\d/\d\d/[^"/]+/)"')


def article_links(html):
    """Return the article links of the page's main content, in order."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return ARTICLE_LINK.findall(main)


class DemoFrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", "--no-accounts", stdout=StringIO())

    def test_the_demo_front_page_is_arranged_and_repeats_no_story(self):
        response = self.client.get("/")
        links = article_links(response.content.decode())
        repeated = {link: n for link, n in Counter(links).items() if n > 1}
        # Each teaser links its headline (and, with a lead image, its picture
        # does not): one link per story. Before curation: 8 of 29 repeated.
        self.assertEqual(repeated, {})
        self.assertGreaterEqual(len(links), 20)
        blocks = response.context["blocks"]
        self.assertEqual(blocks[0].articles[0].slug, SEED_SLUG)
        self.assertEqual(
            [a.slug for a in blocks[1].articles][:2],
            ["why-chip-export-controls-leak", "ceos-return-to-china"],
        )
        self.assertEqual(blocks[1].heading, "Top stories")

    def test_loading_again_keeps_the_editors_arrangement(self):
        Block.objects.filter(kind="top").update(size=3)
        call_command("load_demo", "--no-accounts", stdout=StringIO())
        self.assertEqual(Block.objects.get(kind="top").size, 3)
        self.assertEqual(Block.objects.count(), 9)

"""End-to-end: the article list on a laptop screen, filtered by typing a tag.

Headless Chromium via Playwright (see newsroom.browser).
"""

import re
from datetime import timedelta

from django.utils import timezone

from articles.roles import EDITOR
from articles.testing import make_article, make_author, make_section, make_user
from newsroom.browser import BrowserTestCase

PASSWORD = "correct-horse-battery"
LONG_HEADLINE = (
    "Finance ministers agree on a framework for the new border levy after "
    "three days of talks in Brussels"
)


# Playwright is imported inside the tests: without it they are skipped, not broken.
class ArticleListTests(BrowserTestCase):
    def context_options(self):
        return {"viewport": {"width": 1280, "height": 800}}

    def test_editor_finds_a_tag_by_typing_and_reads_the_headlines(self):
        from playwright.sync_api import expect

        make_user("editor", EDITOR, password=PASSWORD)
        world = make_section("World News", slug="world")
        science = make_section("Science", slug="science")
        authors = [make_author("Eleanor Fairweather"), make_author("Tomasz Wrona")]
        comet = make_article(
            "Comet seen from the Alps",
            section=science,
            tags=["Astronomy", "Alps"],
            authors=authors[:1],
        )
        make_article(
            f"{LONG_HEADLINE} (scheduled)",
            section=world,
            authors=authors,
            publish_at=timezone.now() + timedelta(days=1),
        )
        for number in range(30):
            make_article(
                f"{LONG_HEADLINE} ({number})",
                section=world,
                tags=["Economy", f"Trade {number}"],
                authors=authors,
                age=timedelta(hours=number + 2),
            )
        page = self.page
        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(self.url("/admin/articles/article/"))

        # The headline column is readable on a 1,280 px screen, and the
        # other columns fit beside it.
        headline = page.locator("#result_list th.column-headline")
        self.assertGreaterEqual(headline.bounding_box()["width"], 300)
        table = page.locator("#result_list").bounding_box()
        results = page.locator("#changelist .results").bounding_box()
        self.assertLessEqual(
            table["x"] + table["width"], results["x"] + results["width"]
        )
        # No tag is listed: the filter is a search box.
        filters = page.locator("#changelist-filter")
        expect(filters).not_to_contain_text("Economy")
        expect(filters).not_to_contain_text("Astronomy")

        tags_box = filters.locator("#filter-tags__id__exact + .select2-container")
        tags_box.click()
        page.locator(".select2-search__field").fill("astro")
        option = page.locator(".select2-results__option", has_text="Astronomy")
        expect(option).to_be_visible()
        option.click()

        expect(page).to_have_url(re.compile(r"[?&]tags__id__exact=\d+"))
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(comet.headline)
        # The chosen tag stays in its box.
        expect(tags_box).to_contain_text("Astronomy")
        self.screenshot(page, "article-list")

        # Clearing the box shows every article again.
        tags_box.locator(".select2-selection__clear").click()
        expect(page).not_to_have_url(re.compile("tags__id__exact"))
        expect(rows).to_have_count(20)
        expect(page.locator("#result_list")).to_contain_text("Scheduled for")
        self.assert_no_console_errors()

"""End-to-end in headless Chromium (see newsroom.browser): an editor pins an
article on the front page, a reader finds it there once and reads it, and
the editors' dashboard shows it with its read.

`make screenshots` keeps its screens for docs/editors.md (docs/screenshots/).
"""

import secrets
from datetime import timedelta

from articles.roles import EDITOR
from articles.testing import make_article, make_section, make_user
from frontpage.models import Block
from newsroom.browser import BrowserTestCase

# A desktop browser's User-Agent: the beacon ignores "HeadlessChrome" as a bot.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Reader/{token}"
)


# Playwright is imported inside the tests: without it they are skipped, not broken.
class FrontPageCurationTests(BrowserTestCase):
    def context_options(self):
        return {
            "user_agent": DESKTOP_USER_AGENT.format(token=secrets.token_hex(8)),
            "viewport": {"width": 1280, "height": 900},
        }

    def test_editor_pins_an_article_it_appears_once_and_the_dashboard_shows_it(self):
        from playwright.sync_api import expect

        editor = make_user("eddie", EDITOR)
        world = make_section("World News", slug="world", nav_order=1)
        sport = make_section("Sport", slug="sport", nav_order=2)
        for n in range(6):
            make_article(
                f"Story number {n}",
                section=[world, sport][n % 2],
                age=timedelta(hours=n + 1),
            )
        headline = "Exclusive: the talks behind the talks"
        pinned = make_article(headline, section=world, age=timedelta(days=9))
        page = self.page

        # The editor stores the standard arrangement, then pins the story
        # as the lead.
        self.sign_in(page, editor)
        page.goto(self.url("/admin/"))
        page.locator(".desk-links").get_by_role("link", name="Front page").click()
        page.get_by_role(
            "button", name="Store the standard arrangement as blocks to change it"
        ).click()
        expect(page.locator(".messagelist .success")).to_contain_text(
            "The standard arrangement is stored"
        )
        page.locator("#result_list").get_by_role("link", name="Lead story").click()
        row = page.locator("#pins-group tr.form-row").first
        row.locator(".select2-selection").click()
        page.locator(".select2-search__field").fill("talks behind")
        page.locator(".select2-results__option", has_text=headline).click()
        expect(row.locator(".select2-selection__rendered")).to_have_text(headline)
        self.screenshot(page, "front-page-block")
        self.assert_no_console_errors()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        expect(
            page.locator("#result_list tr", has_text="Lead story").locator(
                ".field-pinned"
            )
        ).to_have_text(headline)
        self.screenshot(page, "front-page-blocks")
        lead = Block.objects.get(kind=Block.Kind.LEAD)
        self.assertEqual([pin.article for pin in lead.pins.all()], [pinned])

        # A reader finds it leading the front page, once, and reads it.
        reader = self.open_page()
        reader.goto(self.url("/"))
        expect(
            reader.get_by_role("region", name="Lead story").get_by_role(
                "link", name=headline, exact=True
            )
        ).to_be_visible()
        expect(
            reader.locator(f'main a[href="{pinned.get_absolute_url()}"]')
        ).to_have_count(1)
        self.screenshot(reader, "front-page")
        with reader.expect_response(
            lambda response: response.url.endswith("/beacon/view/")
        ) as beacon:
            reader.get_by_role("link", name=headline, exact=True).click()
        self.assertEqual(beacon.value.status, 204)

        # The dashboard lists it among today's most read, linking to its form.
        page.goto(self.url("/admin/"))
        page.locator(".desk-links").get_by_role(
            "link", name="Editors' dashboard"
        ).click()
        most_read = page.locator("#dashboard-most-read")
        expect(most_read.get_by_role("link", name=headline)).to_be_visible()
        expect(most_read.locator("tbody tr").first).to_contain_text("1")
        expect(page.locator("#dashboard-published")).to_contain_text(headline)
        self.screenshot(page, "dashboard")
        self.assert_no_console_errors()
        most_read.get_by_role("link", name=headline).click()
        expect(page).to_have_url(
            self.url(f"/admin/articles/article/{pinned.pk}/change/")
        )

"""End-to-end: the editorial workflow across roles, and two editors at once.

Headless Chromium via Playwright (see newsroom.browser). The reader and the
second editor get browser contexts of their own, so their own cookies.
"""

import re

import reversion

from django.core.cache import cache

from articles.models import Article, Author, Correction
from articles.roles import EDITOR, WRITER
from articles.testing import make_article, make_author, make_section, make_user
from newsroom.browser import BrowserTestCase

PASSWORD = "correct-horse-battery"
CHANGE_BUTTONS = ["Save", "Save and continue editing", "Save and add another"]
SCHEDULE = re.compile(r"^Schedule for ")
WORKFLOW_BUTTONS = ["Submit for review", "Return to draft", "Publish", SCHEDULE]


# Playwright is imported inside the tests: without it they are skipped, not broken.
class EditorialWorkflowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        # Who has which article open is kept in the cache, and primary keys
        # repeat between tests: start without other tests' editors.
        cache.clear()

    def log_in(self, page, username):
        from playwright.sync_api import expect

        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        expect(page.locator("#user-tools")).to_contain_text(username)

    def log_out(self, page):
        from playwright.sync_api import expect

        page.locator("#user-tools").get_by_role("button", name="Log out").click()
        expect(page.get_by_role("link", name="Log in again")).to_be_visible()

    def assert_buttons_absent(self, page, names):
        from playwright.sync_api import expect

        for name in names:
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)

    def test_writer_submits_editor_publishes_reader_reads(self):
        from playwright.sync_api import expect

        make_user("wanda", WRITER)
        make_user("eddie", EDITOR)
        section = make_section("Browser Desk")
        older = make_article("Yesterday's story is still on the front page")
        headline = "Council approves the new tram line"
        body_text = "The vote was close: twelve for, eleven against."
        page = self.page

        # The writer drafts the article and submits it for review.
        self.log_in(page, "wanda")
        page.goto(self.url("/admin/articles/article/add/"))
        # Typed key by key: the admin fills the slug from the headline on keyup.
        page.get_by_label("Headline").press_sequentially(headline)
        expect(page.locator("#id_slug")).to_have_value(
            "council-approves-the-new-tram-line"
        )
        page.get_by_label("Section").select_option(label=section.name)
        editor_area = page.locator(".field-body .ProseMirror[contenteditable=true]")
        editor_area.click()
        page.keyboard.type(body_text)
        expect(editor_area).to_have_text(body_text)
        # Writers propose; only editors decide when articles go out.
        self.assert_buttons_absent(page, ["Publish", SCHEDULE])
        self.assert_no_console_errors()
        page.get_by_role("button", name="Submit for review", exact=True).click()

        expect(page.locator(".messagelist .success")).to_contain_text(
            [f"“{headline}”: submit done."]
        )
        article = Article.objects.get(headline=headline)
        self.assertEqual(article.status, Article.Status.REVIEW)
        self.assertEqual(article.created_by.username, "wanda")
        self.assertIn(body_text, article.body)
        row = page.locator("#result_list tbody tr").filter(has_text=headline)
        expect(row.locator(".state-badge")).to_have_text("In review")

        # In review, the article is read-only for its writer.
        row.get_by_role("link", name=headline, exact=True).click()
        expect(page).to_have_url(
            self.url(f"/admin/articles/article/{article.pk}/change/")
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("View article")
        expect(page.locator("#id_headline")).to_have_count(0)
        expect(page.locator("#id_standfirst")).to_have_count(0)
        expect(page.locator(".field-headline .readonly")).to_have_text(headline)
        expect(page.locator(".field-workflow_state .readonly")).to_contain_text(
            "In review – last step “submit” by wanda"
        )
        self.assert_buttons_absent(page, CHANGE_BUTTONS + WORKFLOW_BUTTONS)
        self.assert_no_console_errors()

        # Submitted is not published: readers do not see it yet.
        reader = self.open_page()
        reader.goto(self.url("/"))
        expect(
            reader.get_by_role("link", name=older.headline, exact=True).first
        ).to_be_visible()
        expect(reader.get_by_role("link", name=headline, exact=True)).to_have_count(0)

        # The editor finds it waiting for review and publishes it.
        self.log_out(page)
        self.log_in(page, "eddie")
        page.goto(self.url("/admin/articles/article/"))
        page.get_by_role("link", name="Waiting for review", exact=True).click()
        expect(page).to_have_url(self.url("/admin/articles/article/?state=review"))
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.locator(".state-badge")).to_have_text("In review")
        rows.get_by_role("link", name=headline, exact=True).click()
        expect(page.locator("#id_headline")).to_have_value(headline)
        expect(editor_area).to_have_text(body_text)
        self.assert_no_console_errors()
        page.get_by_role("button", name="Publish", exact=True).click()

        expect(page.locator(".messagelist .success")).to_have_text(
            [f"“{headline}”: publish done."]
        )
        expect(page.locator(".field-workflow_state .readonly")).to_contain_text(
            "Live – last step “publish” by eddie"
        )
        article.refresh_from_db()
        self.assertTrue(article.is_live())
        self.assert_no_console_errors()

        # The reader now finds it on the front page and reads it.
        reader.goto(self.url("/"))
        reader.get_by_role("link", name=headline, exact=True).first.click()
        expect(reader).to_have_url(self.url(article.get_absolute_url()))
        expect(reader.get_by_role("heading", level=1)).to_have_text(headline)
        expect(reader.locator(".article__body")).to_have_text(body_text)
        self.assert_no_console_errors()

    def test_a_save_based_on_an_outdated_copy_is_refused_and_kept(self):
        from playwright.sync_api import expect

        make_user("erin", EDITOR)
        make_user("ethan", EDITOR)
        old_headline = "Harbour bridge to close for repairs"
        old_standfirst = "The bridge closes for two weeks."
        new_headline = "Harbour bridge to close for three weeks of repairs"
        new_standfirst = "Ferries run every ten minutes while the bridge is shut."
        # Saved as a revision, as the admin does: the refusal compares with it.
        with reversion.create_revision():
            article = make_article(
                old_headline,
                standfirst=old_standfirst,
                status=Article.Status.DRAFT,
            )
        change_url = self.url(f"/admin/articles/article/{article.pk}/change/")

        first = self.page
        self.log_in(first, "erin")
        first.goto(change_url)
        expect(first.locator("#id_headline")).to_have_value(old_headline)
        expect(first.locator(".presence-warning")).to_have_count(0)

        second = self.open_page()
        self.log_in(second, "ethan")
        second.goto(change_url)
        expect(second.locator("#id_standfirst")).to_have_value(old_standfirst)
        expect(second.locator(".presence-warning")).to_contain_text(
            "Also open: erin (reading it, just now)."
        )

        # The first editor changes the headline: the second sees it at once.
        with first.expect_response(lambda response: "/editing/" in response.url):
            first.locator("#id_headline").fill(new_headline)
        second.reload()
        expect(second.locator(".presence-warning")).to_contain_text(
            "erin (changing it, just now)"
        )
        # And saves it.
        first.get_by_role("button", name="Save and continue editing").click()
        expect(first.locator(".messagelist .success")).to_contain_text(
            ["was changed successfully"]
        )
        expect(first.locator("#id_headline")).to_have_value(new_headline)
        article.refresh_from_db()
        self.assertEqual(article.headline, new_headline)

        # The second, working on the copy from before, changed the standfirst
        # and the headline too: refused, with the merge screen.
        second.locator("#id_standfirst").fill(new_standfirst)
        second.locator("#id_headline").fill("Bridge shut")
        second.get_by_role("button", name="Save", exact=True).click()
        errors = second.locator(".errorlist.nonfield li")
        expect(errors.first).to_contain_text("erin saved this article at")
        expect(errors.first).to_contain_text("Your changes were not saved yet")
        conflict = second.get_by_role("group", name="Headline")
        expect(conflict).to_contain_text(new_headline)
        expect(conflict).to_contain_text("Bridge shut")
        expect(second.locator("#id_standfirst")).to_have_value(new_standfirst)
        article.refresh_from_db()
        self.assertEqual(article.headline, new_headline)
        self.assertEqual(article.standfirst, old_standfirst)
        self.screenshot(second, "merge-screen")

        # Saving again without choosing is refused again.
        second.get_by_role("button", name="Save", exact=True).click()
        expect(errors.first).to_contain_text("You and erin both changed Headline")
        article.refresh_from_db()
        self.assertEqual(article.headline, new_headline)

        # Keeping the colleague's headline stores both changes.
        conflict.get_by_label("Keep the saved version").check()
        second.get_by_role("button", name="Save", exact=True).click()
        expect(second).to_have_url(self.url("/admin/articles/article/"))
        expect(second.locator(".messagelist .success")).to_contain_text(
            ["was changed successfully"]
        )
        article.refresh_from_db()
        self.assertEqual(article.headline, new_headline)
        self.assertEqual(article.standfirst, new_standfirst)
        self.assert_no_console_errors()

    def test_rows_a_colleague_changed_meanwhile_are_merged_into_the_form(self):
        from playwright.sync_api import expect

        make_user("erin", EDITOR)
        make_user("ethan", EDITOR)
        article = make_article(
            "Ferry strike ends", authors=[make_author("Ann"), make_author("Bob")]
        )
        Correction.objects.create(
            article=article, text="The strike lasted four days.\nNot three."
        )
        change_url = self.url(f"/admin/articles/article/{article.pk}/change/")
        second = self.open_page()
        self.log_in(second, "ethan")
        second.goto(change_url)

        # Erin removes Bob from the byline and rewords the correction.
        first = self.page
        self.log_in(first, "erin")
        first.goto(change_url)
        first.locator("#id_bylines-1-DELETE").check()
        first.locator("#id_corrections-0-text").fill("The strike lasted four days.")
        first.get_by_role("button", name="Save", exact=True).click()
        expect(first.locator(".messagelist .success")).to_contain_text(
            ["was changed successfully"]
        )

        # Ethan, on the copy from before, changes the headline and adds an update.
        second.locator("#id_headline").fill("Ferry strike ends after four days")
        second.get_by_role("button", name="Add another Correction").click()
        second.locator("#id_corrections-1-kind").select_option("update")
        second.locator("#id_corrections-1-text").fill("Ferries run again.")
        second.get_by_role("button", name="Save", exact=True).click()
        expect(second.locator(".errorlist.nonfield li").nth(1)).to_have_text(
            "Their changes are in the form: byline “Bob” (removed), correction "
            "“The strike lasted four days.” (changed)."
        )
        for field, value in [
            ("#id_corrections-0-text", "The strike lasted four days."),
            ("#id_corrections-1-text", "Ferries run again."),
            # Bob's row is gone: the byline's one saved row is Ann's.
            ("#id_bylines-INITIAL_FORMS", "1"),
        ]:
            expect(second.locator(field)).to_have_value(value)

        second.get_by_role("button", name="Save", exact=True).click()
        expect(second.locator(".messagelist .success")).to_contain_text(
            ["was changed successfully"]
        )
        article.refresh_from_db()
        self.assertEqual(article.headline, "Ferry strike ends after four days")
        self.assertEqual(article.byline_authors(), [Author.objects.get(name="Ann")])
        self.assertQuerySetEqual(
            article.corrections.values_list("text", flat=True),
            ["The strike lasted four days.", "Ferries run again."],
        )
        self.assert_no_console_errors()

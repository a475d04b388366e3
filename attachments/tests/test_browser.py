"""End-to-end: an editor links words of an article to a library file with
the body editor's "link to a library file" button (headless Chromium)."""

import re

from articles import roles
from articles.models import Article
from articles.testing import make_section, make_user
from attachments.testing import make_attachment
from images.testing import TemporaryMediaMixin
from newsroom.browser import BrowserTestCase, click_closing_popup

# Select the first text of the body editor that reads `text` (the argument).
SELECT_TEXT = """text => {
  const editor = document.querySelector(".field-body [contenteditable=true]")
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text)
    if (at < 0) continue
    const range = document.createRange()
    range.setStart(node, at)
    range.setEnd(node, at + text.length)
    getSelection().removeAllRanges()
    getSelection().addRange(range)
    return getSelection().toString() === text
  }
  return false
}"""
EDITOR = ".field-body .ProseMirror[contenteditable=true]"
BUTTON = ".field-body .prose-menubar__button[title='link to a library file']"


class FileLinkTests(TemporaryMediaMixin, BrowserTestCase):
    def choose_file(self, page, title):
        from playwright.sync_api import expect

        with page.expect_popup() as popup_info:
            page.locator(BUTTON).click()
        picker = popup_info.value
        expect(picker.get_by_role("searchbox")).to_be_visible()
        picker.get_by_role("searchbox").fill(title.split()[0])
        picker.get_by_role("button", name="Search").click()
        click_closing_popup(picker.get_by_role("button", name=re.compile(title)))

    def select(self, page, text):
        """Select `text` in the body editor, as a reader of the page would
        with the mouse (pressed keys return before the selection moves)."""
        from playwright.sync_api import expect

        found = page.evaluate(SELECT_TEXT, text)
        body = page.locator(EDITOR).inner_html()
        self.assertTrue(found, f"“{text}” is not in {body}")
        # The editor has it too once its toolbar offers to link a selection.
        link_button = page.locator(
            ".field-body .prose-menubar__button[title='insert link']"
        )
        expect(link_button).not_to_have_class(re.compile(r"\bdisabled\b"))

    def test_editor_links_words_and_inserts_a_files_title(self):
        from playwright.sync_api import expect

        section = make_section("Money", slug="money")
        budget = make_attachment("budget.pdf", title="Budget 2025 in full")
        interview = make_attachment("mayor.mp3", title="Interview with the mayor")
        self.sign_in(self.page, make_user("eddie", roles.EDITOR))
        page = self.page
        editor_area = self.write_new_article(page, "Budget day", section)
        page.keyboard.type("Read the budget")
        self.select(page, "the budget")
        self.choose_file(page, "Budget 2025 in full")
        link = editor_area.locator("a", has_text="the budget")
        expect(link).to_have_attribute("href", budget.file.url)

        # Nothing selected: the file's title goes in as the link.
        page.keyboard.press("End")
        page.keyboard.type(". Listen: ")
        self.choose_file(page, "Interview with the mayor")
        expect(
            editor_area.locator("a", has_text="Interview with the mayor")
        ).to_have_attribute("href", interview.file.url)
        self.assert_no_console_errors()

        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator(".messagelist .success").first).to_contain_text(
            "Budget day"
        )
        article = Article.objects.get(headline="Budget day")
        self.assertIn(f'<a href="{budget.file.url}"', article.body)
        self.assertIn(f'<a href="{interview.file.url}"', article.body)
        self.assertRegex(article.body_text, r"Read the budget\. Listen: Interview")

        page.goto(self.url(article.get_absolute_url()))
        body = page.locator(".article__body")
        expect(body.get_by_role("link", name="the budget")).to_have_attribute(
            "href", budget.file.url
        )
        response = page.request.get(self.url(budget.file.url))
        self.assertEqual(response.status, 200)
        self.assertTrue(response.body().startswith(b"%PDF"))

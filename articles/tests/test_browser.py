"""End-to-end: a reader and an editor in headless Chromium (see newsroom.browser)."""

import re
import secrets
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.testing import make_author, make_section
from newsroom.browser import BrowserTestCase
from related import counting
from related.models import DailyViewCount

SEED_HEADLINE = "US Secretary of State Blinken begins talks in China"
SEED_STANDFIRST = (
    "Visit with tensions US Secretary of State Blinken begins talks in China, "
    "meeting with Chinese counterpart Qin. The current mood between the two "
    "countries is very tense."
)
SEED_SUBHEADINGS = [
    "Speculation about meeting with Xi",
    "Dialogue with conditions",
    "Numerous contentious issues",
    "Mutual espionage allegations",
]
US_CHINA_STORY = re.compile(r"China|Chinese|Beijing")

# A desktop browser's User-Agent: the beacon ignores "HeadlessChrome" as a bot.
# The token keeps each run's reader new to the beacon's repeat-read cache.
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Reader/{token}"
)


# Playwright is imported inside the tests: without it they are skipped, not broken.
class ReaderAndEditorTests(BrowserTestCase):
    def context_options(self):
        return {"user_agent": DESKTOP_USER_AGENT.format(token=secrets.token_hex(8))}

    def test_reader_opens_the_seed_article_from_the_front_page(self):
        from playwright.sync_api import expect

        call_command("load_demo", stdout=StringIO())
        seed = Article.objects.get(headline=SEED_HEADLINE)
        views_today = DailyViewCount.objects.get(
            article=seed, day=timezone.localdate()
        ).views
        page = self.page

        page.goto(self.url("/"))
        lead = page.get_by_role("region", name="Lead story")
        with page.expect_response(
            lambda response: response.url.endswith("/beacon/view/")
        ) as beacon:
            lead.get_by_role("link", name=SEED_HEADLINE, exact=True).click()

        expect(page).to_have_url(self.url(seed.get_absolute_url()))
        header = page.locator(".article__header")
        expect(header.get_by_role("heading", level=1)).to_have_text(SEED_HEADLINE)
        expect(header.get_by_role("link", name="World News")).to_have_attribute(
            "href", "/world/"
        )
        expect(header.locator("time")).to_have_attribute(
            "datetime", re.compile(r"^2023-06-18")
        )
        expect(header.locator(".standfirst")).to_have_text(SEED_STANDFIRST)
        body = page.locator(".article__body")
        expect(body.get_by_role("heading", level=2)).to_have_text(SEED_SUBHEADINGS)
        expect(body.locator("blockquote")).to_have_text(
            re.compile(r"^\W*China and the US must develop their relationship")
        )

        related = page.get_by_role("region", name="Related posts").get_by_role("link")
        expect(related).to_have_count(5)
        related_headlines = related.all_inner_texts()
        self.assertNotIn(SEED_HEADLINE, related_headlines)
        us_china = [h for h in related_headlines if US_CHINA_STORY.search(h)]
        self.assertGreaterEqual(len(us_china), 3, related_headlines)
        popular = page.get_by_role("region", name="Popular posts").get_by_role("link")
        expect(popular).to_have_count(5)

        request = beacon.value.request
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.post_data, f"article={seed.pk}")
        self.assertEqual(beacon.value.status, 204)
        counting.flush()  # Reads reach the database in batches.
        self.assertEqual(
            DailyViewCount.objects.get(article=seed, day=timezone.localdate()).views,
            views_today + 1,
        )
        self.assert_no_console_errors()

    def test_editor_publishes_an_article_in_the_admin(self):
        from playwright.sync_api import expect

        editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.org", "correct-horse-battery"
        )
        section = make_section("Browser Desk")
        make_author("Edith Tor", user=editor)
        headline = "Browsers learn to read the news"
        body_text = "Typed into the rich-text editor by a headless browser."
        page = self.page

        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

        page.goto(self.url("/admin/articles/article/add/"))
        # Typed key by key: the admin fills the slug from the headline on keyup.
        page.get_by_label("Headline").press_sequentially(headline)
        expect(page.locator("#id_slug")).to_have_value(
            "browsers-learn-to-read-the-news"
        )
        expect(page.locator("#id_headline-length")).to_have_text(
            "31 of about 65 characters that fit in search results."
        )
        page.get_by_label("Section").select_option(label=section.name)
        editor_area = page.locator(".field-body .ProseMirror[contenteditable=true]")
        editor_area.click()
        page.keyboard.type(body_text)
        expect(editor_area).to_have_text(body_text)
        page.get_by_label("Tags").fill("Browser Testing")
        expect(page.locator("#body-word-count")).to_contain_text("9 words")
        self.assert_no_console_errors()
        page.get_by_role("button", name="Publish", exact=True).click()

        expect(page.locator(".messagelist .success").first).to_contain_text(
            f"“{headline}”"
        )
        article = Article.objects.get(headline=headline)
        self.assertTrue(article.is_live())

        page.goto(self.url("/"))
        page.get_by_role("link", name=headline, exact=True).first.click()
        expect(page).to_have_url(self.url(article.get_absolute_url()))
        expect(page.get_by_role("heading", level=1)).to_have_text(headline)
        expect(page.locator(".article__body")).to_have_text(body_text)
        expect(page.locator(".byline")).to_have_text("By Edith Tor")
        expect(page.get_by_role("link", name="Browser Testing")).to_have_attribute(
            "rel", "tag"
        )
        self.assert_no_console_errors()

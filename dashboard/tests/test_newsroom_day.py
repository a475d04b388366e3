"""A newsroom day in headless Chromium (see newsroom.browser): the editors'
desk from a writer's first draft to the front page and the dashboard.

A writer drafts a story led by an image uploaded on the spot, loses the tab
mid-edit and gets the unsaved work back, submits, withdraws and resubmits.
An editor schedules it and sees when and where. Two editors change the same
live story at once: the second gets the merge screen and both changes stay.
A draft published now is dated now; the editor pins it on the front page,
where it appears once; the dashboard shows it.

`make screenshots` keeps its screens for docs/editors.md (docs/screenshots/).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITOR, WRITER
from articles.testing import make_article, make_section, make_user
from images.models import Image
from images.testing import TemporaryMediaMixin, picture_bytes
from newsroom.browser import BrowserTestCase, click_closing_popup

ZONE = "Europe/London"


@override_settings(TIME_ZONE=ZONE)
class NewsroomDayTests(TemporaryMediaMixin, BrowserTestCase):
    def context_options(self):
        return {"viewport": {"width": 1280, "height": 900}}

    def signed_in_page(self, user):
        """A browser of its own for `user`, signed in (the sign-in form is
        the sign-in tests' business)."""
        page = self.open_page()
        self.page = page  # a failure's screenshot shows the newest page
        client = Client()  # a session of its own: another login would end it
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        return page

    def admin_url(self, article=None):
        if article is None:
            return self.url("/admin/articles/article/add/")
        return self.url(f"/admin/articles/article/{article.pk}/change/")

    def test_a_newsroom_day(self):
        from playwright.sync_api import expect

        writer = make_user("wanda", WRITER, first_name="Wanda", last_name="Wright")
        eddie = make_user("eddie", EDITOR, first_name="Eddie", last_name="Ed")
        erin = make_user("erin", EDITOR, first_name="Erin", last_name="Ek")
        world = make_section("World News", slug="world", nav_order=1)
        for n in range(4):
            make_article(
                f"Earlier story {n}", section=world, age=timedelta(hours=n + 2)
            )

        # 1. The writer drafts a story led by an image uploaded from the form.
        page = self.signed_in_page(writer)
        page.goto(self.admin_url())
        page.get_by_label("Headline").fill("Harbour reopens after the storm")
        page.get_by_label("Section").select_option(label=world.name)
        page.locator(".field-body .ProseMirror[contenteditable=true]").click()
        page.keyboard.type("Ferries sailed again on Monday.")
        with page.expect_popup() as popup_info:
            page.get_by_role("link", name="Upload a new image").click()
        popup = popup_info.value
        popup.locator("#id_file").set_input_files(
            {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": picture_bytes()}
        )
        popup.get_by_label("Alt text").fill("Ferries at the harbour wall")
        click_closing_popup(popup.get_by_role("button", name="Save", exact=True))
        image = Image.objects.get(alt_text="Ferries at the harbour wall")
        expect(page.locator("#id_lead_image")).to_have_value(str(image.pk))
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        story = Article.objects.get(headline="Harbour reopens after the storm")
        self.assertEqual(story.lead_image, image)
        self.assertEqual(story.status, Article.Status.DRAFT)

        # 2. Mid-edit, the tab goes: leaving asks first, autosave kept the work.
        page.get_by_label("Standfirst").fill("The port was shut for three days.")
        expect(page.locator(".autosave-status")).to_contain_text("kept for you")
        dialogs = []
        page.once(
            "dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss())
        )
        page.close(run_before_unload=True)
        expect(page.locator("#id_standfirst")).to_be_visible()  # still open
        self.assertEqual(dialogs, ["beforeunload"])
        page.close()  # a crash: no questions
        story.refresh_from_db()
        self.assertEqual(story.standfirst, "")

        page = self.signed_in_page(writer)
        page.goto(self.admin_url(story))
        offer = page.locator(".working-copy")
        expect(offer).to_contain_text("You have unsaved changes")
        expect(offer).to_contain_text("Standfirst")
        self.screenshot(page, "autosave-offer")
        offer.get_by_role("button", name="Restore my changes").click()
        expect(page.locator("#id_standfirst")).to_have_value(
            "The port was shut for three days."
        )
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        story.refresh_from_db()
        self.assertEqual(story.standfirst, "The port was shut for three days.")

        # 3. Submit, withdraw (from the read-only page), resubmit.
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_role("button", name="Withdraw submission")).to_be_visible()
        page.get_by_role("button", name="Withdraw submission").click()
        expect(page.locator(".messagelist .success")).to_contain_text("withdraw done")
        story.refresh_from_db()
        self.assertEqual(story.status, Article.Status.DRAFT)
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_role("button", name="Withdraw submission")).to_be_visible()
        story.refresh_from_db()
        self.assertEqual(story.status, Article.Status.REVIEW)
        self.assert_no_console_errors()

        # 4. An editor schedules it for tomorrow morning and sees when, where.
        desk = self.signed_in_page(eddie)
        desk.goto(self.admin_url(story))
        expect(desk.locator(".field-publish_at")).to_contain_text(f"{ZONE} time")
        tomorrow = timezone.localdate() + timedelta(days=1)
        desk.locator("#id_publish_at_0").fill(tomorrow.strftime("%d/%m/%Y"))
        desk.locator("#id_publish_at_1").fill("09:00:00")
        button = desk.get_by_role("button", name=re.compile("^Schedule for "))
        day = f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}"
        expect(button).to_have_text(f"Schedule for {day}, 09:00 ({ZONE})")
        self.screenshot(desk, "schedule-button")
        button.click()
        expect(desk.locator(".messagelist .success")).to_contain_text("schedule done")
        story.refresh_from_db()
        self.assertTrue(story.is_scheduled())
        self.assertEqual(timezone.localtime(story.publish_at).hour, 9)
        desk.goto(self.url("/admin/articles/article/"))
        expect(desk.locator("#result_list")).to_contain_text(
            f"Scheduled for {day}, 09:00 ({ZONE})"
        )

        # 5. Two editors change the same live story; both changes stay.
        live = Article.objects.get(headline="Earlier story 0")
        second = self.signed_in_page(erin)
        second.goto(self.admin_url(live))
        desk.goto(self.admin_url(live))
        self.page = desk
        desk.get_by_label("Headline").fill("Earlier story, with a new headline")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()
        second.get_by_label("Standfirst").fill("Erin's standfirst.")
        second.get_by_role("button", name="Save", exact=True).click()
        expect(second.locator(".errorlist.nonfield")).to_contain_text(
            "Eddie Ed saved this article"
        )
        expect(second.get_by_label("Headline")).to_have_value(
            "Earlier story, with a new headline"
        )
        second.get_by_role("button", name="Save", exact=True).click()
        expect(second.locator(".messagelist .success")).to_be_visible()
        live.refresh_from_db()
        self.assertEqual(
            (live.headline, live.standfirst),
            ("Earlier story, with a new headline", "Erin's standfirst."),
        )

        # 6. A draft written days ago, published now, is dated now.
        draft = make_article(
            "Council approves the sea wall",
            section=world,
            status=Article.Status.DRAFT,
            age=timedelta(days=3),
        )
        desk.goto(self.admin_url(draft))
        desk.get_by_role("button", name="Publish", exact=True).click()
        expect(desk.locator(".messagelist .success")).to_contain_text("publish done")
        draft.refresh_from_db()
        self.assertTrue(draft.is_live())
        self.assertLess(timezone.now() - draft.publish_at, timedelta(minutes=5))
        self.assertIn(f"/{timezone.localdate():%Y/%m/%d}/", draft.get_absolute_url())

        # 7. The editor pins it as the front page's lead: it appears once.
        desk.goto(self.url("/admin/"))
        desk.locator(".desk-links").get_by_role("link", name="Front page").click()
        desk.get_by_role(
            "button", name="Store the standard arrangement as blocks to change it"
        ).click()
        desk.locator("#result_list").get_by_role("link", name="Lead story").click()
        row = desk.locator("#pins-group tr.form-row").first
        row.locator(".select2-selection").click()
        desk.locator(".select2-search__field").fill("sea wall")
        desk.locator(".select2-results__option", has_text=draft.headline).click()
        desk.get_by_role("button", name="Save", exact=True).click()
        expect(desk.locator(".messagelist .success")).to_be_visible()
        reader = self.open_page()
        reader.goto(self.url("/"))
        expect(
            reader.get_by_role("region", name="Lead story").get_by_role(
                "link", name=draft.headline, exact=True
            )
        ).to_be_visible()
        expect(
            reader.locator(f'main a[href="{draft.get_absolute_url()}"]')
        ).to_have_count(1)
        # The scheduled story is nowhere yet.
        expect(reader.locator("main")).not_to_contain_text(story.headline)

        # 8. The dashboard shows it.
        desk.goto(self.url("/admin/"))
        desk.locator(".desk-links").get_by_role(
            "link", name="Editors' dashboard"
        ).click()
        expect(desk.locator("#dashboard-published")).to_contain_text(draft.headline)
        self.assert_no_console_errors()

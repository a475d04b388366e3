"""End-to-end: an editor puts a picture in the library and leads an article
with it (headless Chromium, see newsroom.browser)."""

import re

from django.contrib.auth import get_user_model

from articles.models import Article
from articles.testing import make_author, make_section
from images.models import Image
from images.testing import TemporaryMediaMixin, picture_bytes
from newsroom.browser import BrowserTestCase, click_closing_popup

ALT = "A red kite over the estuary at dawn"


class EditorImageTests(TemporaryMediaMixin, BrowserTestCase):
    def log_in(self):
        from playwright.sync_api import expect

        get_user_model().objects.create_superuser(
            "editor", "editor@example.org", "correct-horse-battery"
        )
        page = self.page
        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    def test_editor_uploads_sets_the_focal_point_and_leads_an_article_with_it(self):
        from playwright.sync_api import expect

        section = make_section("Nature Desk", slug="nature")
        make_author("Edith Tor")
        self.log_in()
        page = self.page

        # Upload, then click the lower left of the picture: the focal point.
        page.goto(self.url("/admin/images/image/add/"))
        page.locator("#id_file").set_input_files(
            {
                "name": "kite.jpg",
                "mimeType": "image/jpeg",
                "buffer": picture_bytes((1800, 1200), dot=(450, 900, 80)),
            }
        )
        picture = page.locator(".focal-point__image")
        expect(picture).to_be_visible()
        box = picture.bounding_box()
        picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
        expect(page.locator("#id_focal_x")).to_have_value("0.250")
        expect(page.locator("#id_focal_y")).to_have_value("0.750")
        page.locator(".focal-point__stage").press("ArrowRight")
        expect(page.locator("#id_focal_x")).to_have_value("0.270")
        page.get_by_label("Alt text").fill(ALT)
        page.get_by_label("Credit").fill("Newsroom / Edith Tor")
        self.assert_no_console_errors()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist .success")).to_contain_text("was added")
        image = Image.objects.get()
        self.assertAlmostEqual(image.focal_x, 0.27)
        self.assertAlmostEqual(image.focal_y, 0.75)
        self.assertEqual(image.stale_uses(), [])  # Made when the save committed.
        expect(page.locator(".image-thumbnail").first).to_be_visible()

        # A new article, led by that picture, chosen from the library pop-up.
        page.goto(self.url("/admin/articles/article/add/"))
        page.get_by_label("Headline").press_sequentially("Kites return to the estuary")
        page.get_by_label("Section").select_option(label=section.name)
        editor_area = page.locator(".field-body .ProseMirror[contenteditable=true]")
        editor_area.click()
        page.keyboard.type("Red kites are nesting again.")
        with page.expect_popup() as popup_info:
            page.get_by_role("link", name="Choose from the library").click()
        popup = popup_info.value
        click_closing_popup(popup.get_by_role("link", name=ALT))
        expect(page.locator("#id_lead_image")).to_have_value(str(image.pk))
        chooser = page.locator(".image-chooser")
        expect(chooser.locator("img.image-thumbnail")).to_be_visible()
        expect(chooser).to_contain_text(ALT)
        page.get_by_label("Lead image caption").fill("A kite at first light.")
        self.assert_no_console_errors()
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator(".messagelist .success").first).to_contain_text(
            "Kites return"
        )
        article = Article.objects.get(headline="Kites return to the estuary")
        self.assertEqual(article.lead_image, image)

        # The reader's page shows it, loaded, with its caption and credit.
        page.goto(self.url(article.get_absolute_url()))
        lead = page.locator("figure.article__lead-image")
        img = lead.locator("img")
        expect(img).to_have_attribute("alt", ALT)
        expect(img).to_have_attribute("sizes", re.compile(r"40rem"))
        expect(img).to_be_visible()
        self.assertTrue(
            img.evaluate("el => el.complete && el.naturalWidth > 0"),
            "The lead image did not load.",
        )
        self.assertIn(".webp", img.evaluate("el => el.currentSrc"))
        expect(lead.locator("figcaption")).to_have_text(
            re.compile(r"A kite at first light\.\s+Credit: Newsroom / Edith Tor")
        )
        self.assert_no_console_errors()

    def test_editor_puts_a_library_image_into_the_body(self):
        from playwright.sync_api import expect

        from images.testing import make_image

        section = make_section("Nature Desk", slug="nature")
        image = make_image(
            picture_bytes((1600, 1000)),
            alt_text="Mudflats at low tide",
            caption="The estuary at low tide.",
            credit="Newsroom / Edith Tor",
        )
        self.log_in()
        page = self.page
        editor_area = self.write_new_article(page, "Low tide", section)
        # The browser checks the spelling of what the editor types.
        self.assertNotEqual(editor_area.get_attribute("spellcheck"), "false")
        page.keyboard.type("The water went out.")
        page.locator(".field-body .prose-menubar__button[title='figure']").click()
        dialog = page.locator("dialog[open]")
        with page.expect_popup() as popup_info:
            dialog.get_by_role("button", name="Browse...").click()
        picker = popup_info.value
        expect(picker.get_by_role("searchbox")).to_be_visible()
        click_closing_popup(
            picker.get_by_role("button", name=re.compile("Mudflats at low tide"))
        )
        expect(dialog.get_by_label("Alternative Text")).to_have_value(image.alt_text)
        expect(dialog.get_by_label("Caption")).to_have_value(image.caption)
        dialog.get_by_role("button", name="Insert").click()
        expect(editor_area.locator("figure img")).to_be_visible()
        self.assert_no_console_errors()
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator(".messagelist .success").first).to_contain_text("Low tide")
        article = Article.objects.get(headline="Low tide")
        self.assertIn(f'data-file="{image.pk}"', article.body)

        page.goto(self.url(article.get_absolute_url()))
        figure = page.locator(".article__body figure.image-figure--body")
        expect(figure.locator("img")).to_have_attribute("alt", image.alt_text)
        self.assertTrue(
            figure.locator("img").evaluate("el => el.complete && el.naturalWidth > 0")
        )
        expect(figure.locator("figcaption")).to_contain_text("The estuary at low tide.")
        expect(figure.locator("figcaption")).to_contain_text("Newsroom / Edith Tor")
        self.assert_no_console_errors()

    def test_writer_uploads_a_new_lead_image_from_the_article_form(self):
        from playwright.sync_api import expect

        section = make_section("Nature Desk", slug="nature")
        self.log_in()
        page = self.page
        page.goto(self.url("/admin/articles/article/add/"))
        page.get_by_label("Headline").fill("Otters are back")
        page.get_by_label("Section").select_option(label=section.name)
        with page.expect_popup() as popup_info:
            page.get_by_role("link", name="Upload a new image").click()
        popup = popup_info.value
        popup.locator("#id_file").set_input_files(
            {
                "name": "otter.jpg",
                "mimeType": "image/jpeg",
                "buffer": picture_bytes((1200, 800)),
            }
        )
        popup.get_by_label("Alt text").fill("An otter on the riverbank")
        click_closing_popup(popup.get_by_role("button", name="Save", exact=True))
        image = Image.objects.get()
        expect(page.locator("#id_lead_image")).to_have_value(str(image.pk))
        expect(page.locator(".image-chooser")).to_contain_text(
            "An otter on the riverbank"
        )
        self.assert_no_console_errors()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist .success").first).to_be_visible()
        self.assertEqual(Article.objects.get().lead_image, image)

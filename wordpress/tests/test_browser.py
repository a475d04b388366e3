"""End-to-end: an administrator imports a WordPress export and its uploads
from the admin and reads the report (headless Chromium, see newsroom.browser)."""

from django.contrib.auth import get_user_model

from articles.models import Article
from images.testing import TemporaryMediaMixin
from newsroom.browser import BrowserTestCase
from wordpress.models import ImportRun
from wordpress.tests.test_admin import export_bytes, uploads_zip


class AdministratorImportTests(TemporaryMediaMixin, BrowserTestCase):
    def test_administrator_uploads_an_export_and_reads_the_report(self):
        from playwright.sync_api import expect

        get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "correct-horse-battery"
        )
        page = self.page
        page.goto(self.url("/admin/"))
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="WordPress imports")).to_be_visible()

        page.get_by_role("link", name="WordPress imports").click()
        page.get_by_role("link", name="Add WordPress import").click()
        page.locator("#id_export").set_input_files(
            {"name": "export.xml", "mimeType": "text/xml", "buffer": export_bytes()}
        )
        page.locator("#id_uploads").set_input_files(
            {
                "name": "uploads.zip",
                "mimeType": "application/zip",
                "buffer": uploads_zip(),
            }
        )
        self.assert_no_console_errors()
        page.get_by_role("button", name="Save", exact=True).click()

        # The task runs when the upload is committed (tests run tasks at once);
        # the run's page shows the report.
        expect(page.locator(".messagelist .success")).to_contain_text(
            "The import has started."
        )
        expect(page.locator(".wordpress-report")).to_contain_text(
            "2 items in the file, 2 accounted for."
        )
        expect(page.locator(".wordpress-report")).to_contain_text(
            "post: 1 (imported 1)"
        )
        expect(page.locator(".field-status")).to_contain_text("Done")
        self.assertEqual(ImportRun.objects.get().status, ImportRun.Status.DONE)
        self.assertEqual(Article.objects.get().headline, "Boats are back")
        self.assert_no_console_errors()

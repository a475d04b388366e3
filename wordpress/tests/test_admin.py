import io
import tempfile
import zipfile
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from articles.models import Article
from articles.testing import make_user
from images.models import Image
from images.testing import TemporaryMediaMixin, picture_bytes
from wordpress import derived
from wordpress.models import ImportRun
from wordpress.tasks import UnusableZip, unpack_uploads
from wordpress.testing import wxr_export, wxr_post

ATTACHMENT = """<item><title>Boat</title><wp:post_id>50</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://small.example/wp-content/uploads/2020/05/boat.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>A boat on a lake</wp:meta_value></wp:postmeta></item>
"""
THUMBNAIL = (
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
    "<wp:meta_value>50</wp:meta_value></wp:postmeta>"
)


def export_bytes():
    return wxr_export(
        ATTACHMENT + wxr_post(1, "Boats are back", slug="boats", extra=THUMBNAIL)
    )


def uploads_zip(entries=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, data in (entries or {"uploads/2020/05/boat.jpg": None}).items():
            zipped.writestr(name, data or picture_bytes((40, 30)))
    return out.getvalue()


class ImportRunAdminTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "correct-horse-battery"
        )

    def start(self, export=None, zip_data=None, **fields):
        self.client.force_login(self.admin)
        data = {
            "export": SimpleUploadedFile("export.xml", export or export_bytes()),
            **fields,
        }
        if zip_data is not None:
            data["uploads"] = SimpleUploadedFile("uploads.zip", zip_data)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/admin/wordpress/importrun/add/", data)
        return response

    def test_an_administrator_imports_an_export_with_its_uploads(self):
        response = self.start(zip_data=uploads_zip())
        run = ImportRun.objects.get()
        self.assertRedirects(response, f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertEqual(run.created_by, self.admin)
        self.assertEqual(run.uploads.name, "")  # the zip is removed
        article = Article.objects.get()
        self.assertEqual(article.lead_image, Image.objects.get())
        self.assertEqual(Image.objects.get().alt_text, "A boat on a lake")
        page = self.client.get(response["Location"])
        self.assertContains(page, "2 items in the file, 2 accounted for.")
        self.assertContains(page, "All items read.")
        self.assertNotContains(page, 'http-equiv="refresh"')

    def test_dry_run_shows_the_report_and_writes_nothing(self):
        self.start(dry_run="on")
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertFalse(Article.objects.exists())
        self.assertContains(
            self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/"),
            "https://small.example/wp-content/uploads/2020/05/boat.jpg",
        )

    def test_a_broken_export_fails_with_its_error_shown(self):
        self.start(export=b"<rss><channel>")
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("not well-formed XML: line 1", run.error)
        page = self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertContains(page, "not well-formed XML")

    def test_the_import_task_computes_what_pages_need(self):
        self.start(zip_data=uploads_zip())
        run = ImportRun.objects.get()
        computed = run.report["computed_after_import"]
        self.assertEqual(
            {step: done["count"] for step, done in computed.items()},
            {"page copies": 1, "related lists": 1, "renditions": 1},
        )
        self.assertEqual(Image.objects.get().stale_uses(), [])
        self.assertEqual(Article.objects.get().display_data.related, [])
        page = self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertContains(page, "Computed after the import: page copies 1")

    def test_a_failure_after_the_commit_keeps_the_import_and_shows_the_error(self):
        with (
            mock.patch.object(
                derived.ranking, "reindex_all", side_effect=RuntimeError("disk full")
            ),
            self.assertLogs("wordpress.tasks", "ERROR") as logged,
        ):
            self.start()
        self.assertIn("disk full", logged.output[0])
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertIn("The import was committed", run.error)
        self.assertEqual(run.report["items"]["accounted_for"], 2)
        self.assertTrue(Article.objects.exists())
        page = self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertContains(page, "manage.py refresh_related")

    def test_a_running_import_shows_its_step(self):
        self.client.force_login(self.admin)
        run = ImportRun.objects.create(
            export="wordpress-imports/x.xml", status=ImportRun.Status.RUNNING
        )
        cache.set(run.progress_key(), (3, 10, "related lists"))
        self.addCleanup(cache.delete, run.progress_key())
        page = self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertContains(page, "3 of 10 related lists")

    def test_a_waiting_run_reloads_its_page(self):
        self.client.force_login(self.admin)
        run = ImportRun.objects.create(export="wordpress-imports/x.xml")
        page = self.client.get(f"/admin/wordpress/importrun/{run.pk}/change/")
        self.assertContains(page, '<meta http-equiv="refresh" content="3">')
        self.assertContains(page, "Not started yet.")

    def test_editors_cannot_import(self):
        self.client.force_login(make_user("ed", "Editor"))
        self.assertEqual(
            self.client.get("/admin/wordpress/importrun/add/").status_code, 403
        )


class UnpackUploadsTests(TestCase):
    def test_paths_outside_the_folder_are_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            archive = io.BytesIO(uploads_zip({"../evil.jpg": b"x"}))
            with self.assertRaisesMessage(UnusableZip, "outside its own folder"):
                unpack_uploads(archive, folder)

    def test_the_year_folders_are_found_under_any_top_folder(self):
        for prefix in ("", "uploads/", "wp-content/uploads/", "site-backup/"):
            with self.subTest(prefix=prefix), tempfile.TemporaryDirectory() as folder:
                archive = io.BytesIO(uploads_zip({f"{prefix}2020/05/boat.jpg": b"x"}))
                root = unpack_uploads(archive, folder)
                self.assertTrue((root / "2020" / "05" / "boat.jpg").is_file())

    def test_a_file_that_is_not_a_zip_is_refused(self):
        with (
            tempfile.TemporaryDirectory() as folder,
            self.assertRaisesMessage(UnusableZip, "not a zip"),
        ):
            unpack_uploads(io.BytesIO(b"plain"), folder)

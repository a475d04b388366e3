import tempfile
from pathlib import Path

from django.test import TestCase

from articles.models import Article
from attachments.models import Attachment, FormerFileURL
from attachments.testing import file_bytes
from images.testing import TemporaryMediaMixin
from wordpress.importer import import_export
from wordpress.models import ImportedFile
from wordpress.testing import wxr_export, wxr_post

UPLOADS = "https://small.example/wp-content/uploads"
TALK = f"{UPLOADS}/2020/05/talk.mp3"
OLD_PATH = "/wp-content/uploads/2020/05/talk.mp3"


def wxr_attachment(post_id, title, url, *, description=""):
    return wxr_post(
        post_id,
        title,
        content=description,
        status="inherit",
        post_type="attachment",
        extra=f"<wp:attachment_url>{url}</wp:attachment_url>\n",
    )


POST = wxr_post(
    1,
    "The interview",
    slug="interview",
    content=(
        f'[audio mp3="{TALK}"][/audio]\n\n'
        f'Read <a href="{UPLOADS}/2020/05/notes.pdf">the notes</a>.\n\n'
        '[playlist ids="30"]'
    ),
)
ITEMS = (
    POST
    + wxr_attachment(30, "The talk", TALK, description="Recorded in May.")
    + wxr_attachment(31, "Notes", f"{UPLOADS}/2020/05/notes.pdf")
    + wxr_attachment(32, "Setup", f"{UPLOADS}/2020/05/setup.exe")
    + wxr_attachment(33, "Fake", f"{UPLOADS}/2020/05/fake.mp4")
)


class FileImportTests(TemporaryMediaMixin, TestCase):
    """A small export whose audio, PDF and other files are in --media-dir."""

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.export = self.folder / "export.xml"
        self.export.write_bytes(wxr_export(ITEMS))
        self.uploads = self.folder / "uploads"
        (self.uploads / "2020/05").mkdir(parents=True)
        self.write_upload("talk.mp3", file_bytes("mp3"))
        self.write_upload("notes.pdf", file_bytes("pdf"))
        self.write_upload("setup.exe", b"MZ\x90\x00")
        self.write_upload("fake.mp4", b"<html><script>alert(1)</script></html>")

    def write_upload(self, name, data):
        (self.uploads / "2020/05" / name).write_bytes(data)

    def run_import(self, **options):
        return import_export(self.export, media_dir=self.uploads, **options).as_dict()

    def test_files_are_imported_and_other_files_skipped_with_the_reason(self):
        report = self.run_import()
        self.assertEqual(
            report["items"]["by_type"]["attachment"],
            {"in_file": 4, "imported": 2, "skipped": 2},
        )
        reasons = {s["id"]: s["reason"] for s in report["skipped"]}
        self.assertIn("neither a picture nor a file", reasons[32])
        self.assertIn("“fake.mp4” is not a MP4 file", reasons[33])
        talk = ImportedFile.objects.get(wp_id=30).attachment
        self.assertEqual(
            (talk.title, talk.kind, talk.description, talk.original_filename),
            ("The talk", "audio", "Recorded in May.", "talk.mp3"),
        )
        self.assertTrue(talk.file.name.startswith("files/2020/05/talk-"))
        self.assertEqual(talk.file.read(), file_bytes("mp3"))

    def test_shortcodes_and_links_become_links_to_the_library_files(self):
        self.run_import()
        talk = ImportedFile.objects.get(wp_id=30).attachment
        notes = ImportedFile.objects.get(wp_id=31).attachment
        body = Article.objects.get(slug="interview").body
        self.assertIn(
            f'<p><a href="{talk.file.url}" rel="noopener noreferrer">The talk</a> '
            "(audio)</p>",
            body,
        )
        self.assertEqual(body.count(f'href="{talk.file.url}"'), 2)  # and [playlist]
        self.assertIn(f'<a href="{notes.file.url}" rel="noopener noreferrer">', body)
        self.assertNotIn("small.example", body)

    def test_old_upload_address_redirects_to_the_file_in_one_hop(self):
        report = self.run_import()
        self.assertEqual(report["old_urls"]["file_redirected"], 2)
        talk = ImportedFile.objects.get(wp_id=30).attachment
        response = self.client.get(OLD_PATH)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], talk.file.url)
        followed = self.client.get(response["Location"])
        self.assertEqual(followed.status_code, 200)
        self.assertEqual(b"".join(followed.streaming_content), file_bytes("mp3"))
        self.assertEqual(self.client.get(OLD_PATH + "x").status_code, 404)

    def test_importing_again_changes_nothing_and_a_changed_file_updates(self):
        self.run_import()
        talk = ImportedFile.objects.get(wp_id=30).attachment
        again = self.run_import()
        self.assertEqual(
            again["items"]["by_type"]["attachment"],
            {"in_file": 4, "unchanged": 2, "skipped": 2},
        )
        self.assertEqual(again["items"]["by_type"]["post"]["unchanged"], 1)
        self.write_upload("talk.mp3", file_bytes("mp3") + b"\x00" * 16)
        changed = self.run_import()
        self.assertEqual(changed["items"]["by_type"]["attachment"]["updated"], 1)
        self.assertEqual(changed["items"]["by_type"]["post"]["updated"], 1)
        self.assertEqual(Attachment.objects.count(), 2)
        updated = Attachment.objects.get(pk=talk.pk)
        self.assertNotEqual(updated.file.name, talk.file.name)
        self.assertIn(updated.file.url, Article.objects.get().body)
        self.assertEqual(FormerFileURL.objects.get(path=OLD_PATH).attachment, updated)

    def test_dry_run_stores_no_file(self):
        report = self.run_import(dry_run=True)
        self.assertEqual(report["items"]["by_type"]["attachment"]["imported"], 2)
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(FormerFileURL.objects.exists())
        self.assertFalse((Path(self.media_root) / "files").exists())

    def test_without_the_files_they_are_reported_missing(self):
        report = import_export(self.export).as_dict()
        self.assertEqual(
            report["items"]["by_type"]["attachment"], {"in_file": 4, "missing": 4}
        )
        self.assertIn(TALK, [m["url"] for m in report["missing_media"]])
        self.assertIn(f'href="{TALK}"', Article.objects.get().body)

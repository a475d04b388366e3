from pathlib import Path

from django.contrib.auth.models import Group
from django.test import TestCase

from articles import roles
from articles.models import Article
from articles.testing import make_article, make_user
from attachments.models import Attachment
from attachments.testing import file_bytes, make_attachment, upload
from images.testing import TemporaryMediaMixin

CHANGELIST = "/admin/attachments/attachment/"


def stored_files(root):
    return sorted(p.name for p in Path(root, "files").rglob("*") if p.is_file())


class FileLibraryAdminTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", roles.EDITOR)
        cls.writer = make_user("writer", roles.WRITER)
        cls.other_writer = make_user("other", roles.WRITER)
        cls.interview = make_attachment(
            "interview.mp3",
            title="Interview with the mayor",
            description="The whole recording, 40 minutes.",
            credit="City Radio",
            uploaded_by=cls.writer,
        )
        cls.report = make_attachment(
            "budget.pdf", title="Budget 2025", uploaded_by=cls.other_writer
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def post_add(self, data, name, **fields):
        return self.client.post(
            f"{CHANGELIST}add/", {"file": upload(data, name), "title": "", **fields}
        )

    def test_library_lists_and_searches_title_description_credit_and_name(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "Interview with the mayor")
        self.assertContains(response, self.report.file.url)
        for query, found, missing in [
            ("mayor", "Interview with the mayor", "Budget 2025"),
            ("40 minutes", "Interview with the mayor", "Budget 2025"),
            ("City Radio", "Interview with the mayor", "Budget 2025"),
            ("budget.pdf", "Budget 2025", "Interview with the mayor"),
        ]:
            with self.subTest(query=query):
                response = self.client.get(CHANGELIST, {"q": query})
                self.assertContains(response, found)
                self.assertNotContains(response, missing)
        response = self.client.get(CHANGELIST, {"kind__exact": "document"})
        self.assertContains(response, "Budget 2025")
        self.assertNotContains(response, "Interview with the mayor")

    def test_upload_is_stored_with_its_kind_and_a_title_from_its_name(self):
        response = self.post_add(file_bytes("mov"), "Press Conference.mov")
        self.assertEqual(response.status_code, 302)
        added = Attachment.objects.get(original_filename="Press Conference.mov")
        self.assertEqual(added.title, "Press Conference")
        self.assertEqual(added.kind, "video")
        self.assertEqual(added.uploaded_by, self.editor)
        self.assertEqual(added.file_size, len(file_bytes("mov")))
        self.assertRegex(
            added.file.name, r"^files/\d{4}/\d{2}/press-conference-\w+\.mov$"
        )
        served = self.client.get(added.file.url)
        self.assertEqual(b"".join(served.streaming_content), file_bytes("mov"))

    def test_a_wrong_file_gets_a_form_error_and_nothing_is_stored(self):
        before = stored_files(self.media_root)
        for data, name, error in [
            (b"<html>hello</html>", "page.mp3", "is not a MP3 file, or it is damaged"),
            (b"MZ\x90\x00", "setup.exe", "cannot be added to the file library"),
            (b"", "empty.pdf", "The submitted file is empty."),
        ]:
            with self.subTest(name=name):
                response = self.post_add(data, name)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, error)
                self.assertContains(response, "errorlist")
        self.assertEqual(Attachment.objects.count(), 2)
        self.assertEqual(stored_files(self.media_root), before)

    def test_a_title_is_needed_without_a_file(self):
        response = self.client.post(f"{CHANGELIST}add/", {"title": ""})
        self.assertContains(response, "This field is required.")
        self.assertEqual(Attachment.objects.count(), 2)

    def test_replacing_the_file_removes_the_old_one(self):
        old_name = Path(self.report.file.name).name
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"{CHANGELIST}{self.report.pk}/change/",
                {
                    "file": upload(file_bytes("pdf") + b"%%v2", "budget-v2.pdf"),
                    "title": "Budget 2025",
                },
            )
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        self.assertEqual(self.report.original_filename, "budget-v2.pdf")
        self.assertIn(Path(self.report.file.name).name, stored_files(self.media_root))
        self.assertNotIn(old_name, stored_files(self.media_root))

    def test_changing_the_title_keeps_the_file(self):
        name = self.interview.file.name
        page = self.client.get(f"{CHANGELIST}{self.interview.pk}/change/")
        self.assertContains(
            page, f'readers get it at <a href="{self.interview.file.url}"'
        )
        response = self.client.post(
            f"{CHANGELIST}{self.interview.pk}/change/", {"title": "The mayor"}
        )
        self.assertEqual(response.status_code, 302)
        self.interview.refresh_from_db()
        self.assertEqual(
            (self.interview.title, self.interview.file.name), ("The mayor", name)
        )

    def test_writers_may_add_but_only_editors_delete(self):
        permissions = Group.objects.get(name=roles.WRITER).permissions
        codenames = set(permissions.values_list("codename", flat=True))
        self.assertLessEqual(
            {"add_attachment", "change_attachment", "view_attachment"}, codenames
        )
        self.assertFalse({"delete_attachment", "change_any_attachment"} & codenames)
        self.client.force_login(self.writer)
        response = self.post_add(file_bytes("pdf"), "notes.pdf", title="Notes")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Attachment.objects.get(title="Notes").uploaded_by, self.writer)
        response = self.client.post(
            f"{CHANGELIST}{self.interview.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(response.status_code, 403)

    def test_a_writer_cannot_change_another_writers_file(self):
        self.client.force_login(self.writer)
        url = f"{CHANGELIST}{self.report.pk}/change/"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)  # to read, not to change
        self.assertNotContains(page, 'name="title"')
        response = self.client.post(url, {"title": "Mine now"})
        self.assertEqual(response.status_code, 403)
        self.report.refresh_from_db()
        self.assertEqual(self.report.title, "Budget 2025")

    def test_a_writer_changes_their_own_file_until_readers_see_it(self):
        self.client.force_login(self.writer)
        url = f"{CHANGELIST}{self.interview.pk}/change/"
        self.assertEqual(
            self.client.post(url, {"title": "Draft title"}).status_code, 302
        )
        article = make_article(
            "Mayor speaks",
            status=Article.Status.DRAFT,
            body=f'<p><a href="{self.interview.file.url}">Listen</a></p>',
        )
        # A draft linking to it: readers do not see it yet.
        self.assertEqual(
            self.client.post(url, {"title": "Still mine"}).status_code, 302
        )
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        self.assertEqual(self.client.post(url, {"title": "Too late"}).status_code, 403)
        # Linked by its full address, as copied from the browser: the same.
        Article.objects.filter(pk=article.pk).update(
            body=f'<p><a href="https://news.example{self.interview.file.url}">x</a></p>'
        )
        self.assertEqual(self.client.post(url, {"title": "Too late"}).status_code, 403)
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.title, "Still mine")
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(url, {"title": "Edited"}).status_code, 302)

    def test_deleting_a_file_removes_it_from_storage(self):
        name = Path(self.report.file.name).name
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"{CHANGELIST}{self.report.pk}/delete/", {"post": "yes"}
            )
        self.assertEqual(response.status_code, 302)
        self.assertNotIn(name, stored_files(self.media_root))

    def test_a_file_readers_are_linked_to_is_not_deleted(self):
        url = f"{CHANGELIST}{self.report.pk}/delete/"
        live = make_article(body=f'<p><a href="{self.report.file.url}">PDF</a></p>')
        page = self.client.get(url)
        self.assertContains(page, "live or scheduled articles show it to readers")
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Attachment.objects.filter(pk=self.report.pk).exists())
        # The bulk action refuses it too.
        response = self.client.post(
            CHANGELIST,
            {
                "action": "delete_selected",
                "_selected_action": [self.report.pk],
                "post": "yes",
            },
        )
        self.assertContains(response, "Take it out of them first")
        self.assertTrue(Attachment.objects.filter(pk=self.report.pk).exists())
        # Linked from a draft only: readers do not see it, so it may go.
        live.status = Article.Status.DRAFT
        live.save()
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Attachment.objects.filter(pk=self.report.pk).exists())


class FilePickerTests(TemporaryMediaMixin, TestCase):
    """The file library in the body editor's "link to a library file" window."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", roles.WRITER)
        cls.interview = make_attachment(
            "interview.mp3", title="Interview with the mayor"
        )
        cls.report = make_attachment("budget.pdf", title="Budget 2025")

    def setUp(self):
        self.client.force_login(self.writer)

    def test_the_picker_searches_and_offers_each_files_address(self):
        response = self.client.get(
            f"{CHANGELIST}choose/", {"CKEditorFuncNum": "1000000", "q": "budget"}
        )
        self.assertContains(response, "<title>Choose a file")
        self.assertContains(response, 'data-callback="1000000"')
        self.assertContains(response, f'data-url="{self.report.file.url}"')
        self.assertContains(response, 'data-title="Budget 2025"')
        self.assertNotContains(response, "Interview with the mayor")
        self.assertContains(response, "library-picker.js")
        self.assertContains(response, f"{CHANGELIST}add/?_picker=1000000")
        response = self.client.get(f"{CHANGELIST}choose/", {"q": "nothing like it"})
        self.assertContains(response, "No file matches “nothing like it”.")
        self.assertContains(response, 'data-callback=""')

    def test_a_file_uploaded_from_the_picker_comes_back_chosen(self):
        response = self.client.post(
            f"{CHANGELIST}add/?_picker=1000001",
            {"file": upload(file_bytes("pdf"), "minutes.pdf"), "title": "Minutes"},
        )
        added = Attachment.objects.get(title="Minutes")
        self.assertRedirects(
            response,
            f"{CHANGELIST}choose/?CKEditorFuncNum=1000001&chosen={added.pk}",
            fetch_redirect_response=False,
        )
        page = self.client.get(response.url).content.decode()
        self.assertRegex(page, rf'<template data-chosen [^>]*data-id="{added.pk}"')
        self.assertIn(f'data-url="{added.file.url}"', page)

    def test_only_staff_who_may_see_the_library_open_it(self):
        self.client.logout()
        response = self.client.get(f"{CHANGELIST}choose/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

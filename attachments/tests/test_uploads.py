import io

from django.core.exceptions import ValidationError
from django.core.files import File
from django.test import SimpleTestCase, override_settings

from attachments.testing import file_bytes, upload
from attachments.uploads import FORMATS, HEAD_BYTES, check_upload


class CheckUploadTests(SimpleTestCase):
    def assertRefused(self, data, name, code):
        with self.assertRaises(ValidationError) as caught:
            check_upload(upload(data, name))
        self.assertEqual(caught.exception.code, code)
        return caught.exception.messages[0]

    def test_each_allowed_extension_with_its_signature_is_accepted(self):
        kinds = {}
        for extension in FORMATS:
            with self.subTest(extension=extension):
                checked = check_upload(upload(file_bytes(extension), f"a.{extension}"))
                self.assertEqual(checked.extension, extension)
                self.assertEqual(checked.original_name, f"a.{extension}")
                kinds[extension] = checked.kind
        self.assertEqual(kinds["mp3"], "audio")
        self.assertEqual(kinds["wav"], "audio")
        self.assertEqual(kinds["mov"], "video")
        self.assertEqual(kinds["webm"], "video")
        self.assertEqual(kinds["pdf"], "document")

    def test_extension_is_read_in_any_case(self):
        self.assertEqual(
            check_upload(upload(file_bytes("pdf"), "R.PDF")).kind, "document"
        )

    def test_mp3_without_id3_tag_is_known_by_its_frame_sync(self):
        self.assertEqual(
            check_upload(upload(b"\xff\xfb\x90\x00" + b"\x00" * 64, "a.mp3")).kind,
            "audio",
        )
        # Sync bits, but layer "reserved": not MPEG audio.
        self.assertRefused(b"\xff\xf9\x90\x00" + b"\x00" * 64, "a.mp3", "wrong_content")

    def test_content_that_is_not_what_the_name_says_is_refused(self):
        for data, name in [
            (b"<html><script>alert(1)</script></html>", "page.mp3"),
            (b"MZ\x90\x00\x03\x00\x00\x00", "program.pdf"),
            (file_bytes("mp3"), "renamed.mp4"),
            (file_bytes("pdf"), "renamed.mov"),
            (file_bytes("mp4"), "renamed.wav"),
            # Matroska is not WebM.
            (b"\x1a\x45\xdf\xa3\x93\x42\x82\x88matroska", "film.webm"),
            # An ISO box name, but a size no box can have.
            (b"\x00\x00\x00\x04ftypisom", "short.mp4"),
        ]:
            with self.subTest(name=name):
                message = self.assertRefused(data, name, "wrong_content")
                self.assertIn(f"“{name}” is not a", message)

    def test_other_extensions_are_refused_by_name(self):
        for name in ["setup.exe", "picture.jpg", "drawing.svg", "page.html", "noext"]:
            with self.subTest(name=name):
                message = self.assertRefused(file_bytes("pdf"), name, "file_type")
                self.assertIn(".mp3", message)
                self.assertIn("image library", message)

    @override_settings(NEWSROOM_FILE_MAX_UPLOAD_MB=1)
    def test_oversized_file_is_refused_with_the_limit(self):
        data = file_bytes("pdf") + b"\x00" * (1024 * 1024)
        message = self.assertRefused(data, "big.pdf", "file_size")
        self.assertIn("at most 1.0\xa0MB", message)

    def test_empty_file_is_refused(self):
        self.assertRefused(b"", "empty.mp3", "empty")

    def test_only_the_head_of_the_file_is_read(self):
        reads = []

        class Recording(io.BytesIO):
            def read(self, size=-1):
                reads.append(size)
                return super().read(size)

        data = file_bytes("mp4") + b"\x00" * (HEAD_BYTES * 4)
        checked = check_upload(File(Recording(data), name="film.mp4"))
        self.assertEqual(reads, [HEAD_BYTES])
        self.assertEqual(checked.size, len(data))
        self.assertEqual(checked.content.tell(), 0)  # ready to store

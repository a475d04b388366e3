import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase

from articles.models import Article, Author, FormerURL
from images.models import Image
from sections.models import Section
from wordpress import importer
from wordpress.importer import ImportFailed, import_export
from wordpress.models import Site
from wordpress.testing import wxr_export, wxr_post
from wordpress.wxr import WXRError

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
"""


class HostileInputTests(TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, data, name="export.xml"):
        path = self.folder / name
        path.write_bytes(data)
        return path

    def assertNothingWritten(self):
        for model in (Article, Author, FormerURL, Image, Section, Site):
            self.assertFalse(model.objects.exists(), model.__name__)

    def test_malformed_xml_names_the_line_and_writes_nothing(self):
        good = wxr_post(1, "Fine", slug="fine")
        broken = wxr_post(2, "Broken", slug="broken").replace("</title>", "", 1)
        data = wxr_export(good + broken)
        # expat stops at the </item> that does not close the open <title>.
        line = data.decode().splitlines().index("</item>", 30) + 1
        path = self.write(data)
        with self.assertRaisesMessage(
            WXRError, f"not well-formed XML: line {line}, column 3: mismatched tag"
        ):
            import_export(path)
        self.assertNothingWritten()

    def test_entity_declarations_are_refused(self):
        for head, title, message in [
            (BILLION_LAUGHS, "&lol3;", "declares the XML entity “lol”"),
            (EXTERNAL_ENTITY, "&secret;", "(it refers to “file:///etc/passwd”)"),
        ]:
            with self.subTest(message=message):
                data = wxr_export(wxr_post(1, title, slug="x"), head=head)
                path = self.write(data.split(b"\n", 1)[1])  # own XML declaration
                with self.assertRaisesMessage(WXRError, message):
                    import_export(path)
                self.assertNothingWritten()

    def test_a_file_that_is_not_wxr_is_refused(self):
        path = self.write(b"<html><body>Hello</body></html>")
        with self.assertRaisesMessage(WXRError, "root element is <html>"):
            import_export(path)
        rss = self.write(b"<rss><channel><title>x</title></channel></rss>")
        with self.assertRaisesMessage(WXRError, "no <wp:wxr_version>"):
            import_export(rss)
        self.assertNothingWritten()

    def test_unknown_wxr_version_is_refused(self):
        path = self.write(wxr_export(wxr_post(1, "A", slug="a"), version="2.0"))
        with self.assertRaisesMessage(WXRError, "WXR version 2.0 is not supported"):
            import_export(path)

    def test_numbers_that_do_not_add_up_roll_everything_back(self):
        path = self.write(wxr_export(wxr_post(1, "A", slug="a")))
        with (
            mock.patch.object(
                importer.Report, "problems", return_value=["post: 1 in the file"]
            ),
            self.assertRaisesMessage(ImportFailed, "post: 1 in the file"),
        ):
            import_export(path)
        self.assertNothingWritten()

    def test_command_reports_errors_and_exits_non_zero(self):
        path = self.write(b"<rss><channel>")
        with self.assertRaisesMessage(CommandError, "not well-formed XML: line 1"):
            call_command("import_wordpress", str(path), stdout=io.StringIO())
        with (
            mock.patch.object(importer.Report, "problems", return_value=["x"]),
            self.assertRaisesMessage(CommandError, "does not account for every item"),
        ):
            call_command(
                "import_wordpress",
                str(self.write(wxr_export(wxr_post(1, "A", slug="a")))),
                stdout=io.StringIO(),
            )
        self.assertNothingWritten()

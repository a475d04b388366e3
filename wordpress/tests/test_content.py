import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from articles.models import Article, Author, FormerURL
from articles.testing import make_article
from sections.models import Section
from wordpress.content import Converter, autop, is_broken_html
from wordpress.importer import import_export
from wordpress.testing import wxr_export, wxr_post


class FakeLibrary:
    """Pictures 7 and 8 are in the library; anything else is missing."""

    def __init__(self):
        self.asked = []

    def children(self, post_id):
        return [7, 8]

    def figure(self, *, wp_id=None, url="", alt=None, caption=""):
        self.asked.append((wp_id, url, alt, caption))
        if wp_id in (7, 8) or url.endswith("/seven.jpg"):
            caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
            return f'<figure><img data-file="{wp_id or 7}">{caption_html}</figure>'
        return ""

    def file_link(self, *, wp_id=None, url=""):
        """Attachment 9, uploaded as talk.mp3, is the library file 3."""
        if wp_id == 9 or url.split("?")[0].endswith("/uploads/2020/05/talk.mp3"):
            return ("/media/files/2024/05/talk-3.mp3", "A <talk>", "audio")
        return None


class ConverterTests(SimpleTestCase):
    def convert(self, content):
        self.library, self.warnings = FakeLibrary(), []
        converter = Converter(self.library, lambda *w: self.warnings.append(w))
        return converter.convert(content, post_id=1)

    def test_classic_line_breaks_become_paragraphs(self):
        self.assertEqual(
            autop("One\nline\n\nTwo\n<ul>\n<li>x</li>\n</ul>\nThree"),
            "<p>One<br>\nline</p>\n<p>Two</p>\n<ul>\n<li>x</li>\n</ul>\n<p>Three</p>",
        )

    def test_pre_keeps_its_lines(self):
        self.assertIn("<pre>a\n\nb</pre>", autop("<pre>a\n\nb</pre>"))

    def test_block_comments_are_removed_without_autop(self):
        body = self.convert(
            "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\n"
            "<!--more-->\n<!-- wp:separator /-->"
        )
        self.assertNotIn("<!--", body)
        self.assertEqual(body.strip(), "<p>Hi</p>")

    def test_caption_shortcode_becomes_a_figure_with_caption(self):
        body = self.convert(
            '[caption id="attachment_7" width="300"]<a href="x"><img src='
            '"https://a.example/wp-content/uploads/seven-300x200.jpg" /></a> A '
            "<em>boat</em>[/caption]"
        )
        self.assertHTMLEqual(
            body,
            '<figure><img data-file="7"><figcaption>A <em>boat</em>'
            "</figcaption></figure>",
        )

    def test_gallery_shortcode_shows_its_pictures_or_the_posts(self):
        self.assertEqual(self.convert('[gallery ids="8,9"]').count("<figure>"), 1)
        self.assertEqual(self.convert("[gallery]").count("<figure>"), 2)

    def test_embed_and_bare_urls_become_links(self):
        self.assertIn(
            '<a href="https://youtu.be/x">',
            self.convert("[embed]https://youtu.be/x[/embed]"),
        )
        self.assertIn(
            '<p><a href="https://vimeo.com/1">',
            self.convert("Hi\n\nhttps://vimeo.com/1"),
        )

    def test_unknown_shortcodes_are_removed_reported_and_prose_brackets_kept(self):
        body = self.convert('[contact-form to="a@b.c"]Write[/contact-form] [sic] [2]')
        self.assertEqual(body, "<p>Write [sic] [2]</p>")
        self.assertEqual(
            self.warnings,
            [("unknown_shortcode", "[contact-form] removed, its text kept")],
        )

    def test_pictures_leave_paragraphs_and_missing_ones_are_reported(self):
        body = self.convert(
            '<p><img class="wp-image-8" src="x.jpg"> Text</p>\n'
            '<p><img src="https://elsewhere.example/y.jpg"></p>'
        )
        self.assertEqual(body, '<figure><img data-file="8"></figure><p>Text</p>\n')
        self.assertEqual(self.library.asked[-1][1], "https://elsewhere.example/y.jpg")

    def test_gallery_block_becomes_its_pictures_then_its_caption(self):
        body = self.convert(
            '<!-- wp:gallery --><figure class="wp-block-gallery">'
            '<figure class="wp-block-image"><img class="wp-image-7" src="a.jpg"/>'
            "<figcaption>One</figcaption></figure>"
            '<figure class="wp-block-image"><img class="wp-image-8" src="b.jpg"/>'
            "</figure><figcaption>All</figcaption></figure><!-- /wp:gallery -->"
        )
        self.assertEqual(
            body,
            '<figure><img data-file="7"><figcaption>One</figcaption></figure>'
            '<figure><img data-file="8"></figure><p>All</p>',
        )

    def test_headings_move_into_the_editors_levels(self):
        body = self.convert("<!-- wp:x --><h1>A</h1><h6>B</h6>")
        self.assertEqual(body, "<h2>A</h2><h4>B</h4>")

    def test_broken_html_is_noticed(self):
        self.assertTrue(is_broken_html("<p><em>open</p>"))
        self.assertFalse(is_broken_html("<p>a<p>b<br><img src=x>"))
        self.convert("<div><em>open</div>")
        self.assertIn(
            ("html_repaired", "elements left open or closed unopened"), self.warnings
        )

    def test_audio_shortcode_and_links_to_an_imported_file_lead_to_the_library(self):
        talk = "https://a.example/wp-content/uploads/2020/05/talk.mp3"
        body = self.convert(
            f'[audio mp3="{talk}"][/audio]\n\nHear <a href="{talk}?x=1">it</a>.'
        )
        self.assertEqual(
            body,
            '<p><a href="/media/files/2024/05/talk-3.mp3">A &lt;talk&gt;</a> '
            "(audio)</p>\n"
            '<p>Hear <a href="/media/files/2024/05/talk-3.mp3">it</a>.</p>',
        )
        self.assertEqual(
            self.warnings, [("shortcode_link", f"[audio] became a link to {talk}")]
        )

    def test_players_become_links_to_the_library_file_or_their_address(self):
        body = self.convert(
            '<!-- wp:audio --><figure class="wp-block-audio"><audio controls '
            'src="https://a.example/wp-content/uploads/2020/05/talk.mp3"></audio>'
            "<figcaption>The talk</figcaption></figure>"
            '<video controls><source src="https://b.example/clip.mp4"></video>'
        )
        self.assertEqual(
            body,
            '<p><a href="/media/files/2024/05/talk-3.mp3">A &lt;talk&gt;</a> '
            "(audio)</p><p>The talk</p>"
            '<p><a href="https://b.example/clip.mp4">https://b.example/clip.mp4</a></p>',
        )
        self.assertEqual(
            [kind for kind, _ in self.warnings], ["media_link", "media_link"]
        )

    def test_playlist_becomes_links_to_its_files_and_reports_missing_ones(self):
        body = self.convert('[playlist ids="9,10"]')
        self.assertEqual(
            body,
            '<p><a href="/media/files/2024/05/talk-3.mp3">A &lt;talk&gt;</a> '
            "(audio)</p>",
        )
        self.assertIn(
            ("missing_file", "file 10 not in the file library, left out"),
            self.warnings,
        )

    def test_links_to_other_addresses_are_left_alone(self):
        body = self.convert('<a href="https://a.example/elsewhere.mp3">x</a>')
        self.assertEqual(body, '<p><a href="https://a.example/elsewhere.mp3">x</a></p>')


class SmallExportTests(TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, data):
        path = self.folder / "export.xml"
        path.write_bytes(data)
        return path

    def test_every_wxr_version_and_namespace_spelling_is_read(self):
        for version in ("1.0", "1.1", "1.2"):
            for scheme in ("http", "https"):
                with self.subTest(version=version, scheme=scheme):
                    path = self.write(
                        wxr_export(
                            wxr_post(1, "Hello", slug="hello"),
                            version=version,
                            scheme=scheme,
                        )
                    )
                    report = import_export(path, dry_run=True).as_dict()
                    self.assertEqual(
                        report["items"]["by_type"]["post"],
                        {"in_file": 1, "imported": 1},
                    )

    def test_odd_unicode_survives_in_names_and_is_slugified_safely(self):
        titles = [
            "שלום עולם",  # right to left
            "Zero\u200bwidth",
            "Emoji 🎉 party",
            "Cafe\u0301 combining",
        ]
        items = "".join(
            wxr_post(n, title, slug="") for n, title in enumerate(titles, start=1)
        )
        import_export(self.write(wxr_export(items)))
        articles = {a.headline: a.slug for a in Article.objects.all()}
        self.assertEqual(
            articles,
            {
                "שלום עולם": "post-1",
                "Zero\u200bwidth": "zerowidth",
                "Emoji 🎉 party": "emoji-party",
                "Cafe\u0301 combining": "cafe-combining",
            },
        )

    def test_statuses_map_to_the_workflow(self):
        items = "".join(
            wxr_post(n, f"Post {n}", slug=f"post-{n}", status=status)
            for n, status in enumerate(
                [
                    "publish",
                    "draft",
                    "pending",
                    "private",
                    "future",
                    "trash",
                    "auto-draft",
                    "inherit",
                ],
                start=1,
            )
        )
        report = import_export(self.write(wxr_export(items))).as_dict()
        self.assertEqual(
            report["items"]["by_type"]["post"],
            {"in_file": 8, "imported": 5, "skipped": 3},
        )
        statuses = dict(Article.objects.values_list("slug", "status"))
        self.assertEqual(
            statuses,
            {
                "post-1": "published",
                "post-2": "draft",
                "post-3": "review",
                "post-4": "unpublished",
                "post-5": "published",
            },
        )
        self.assertEqual(
            sorted(s["reason"] for s in report["skipped"]),
            [
                "a revision of another post",
                "an automatic draft WordPress made, never written",
                "in WordPress's trash",
            ],
        )

    def test_local_date_is_read_in_the_sites_time_zone(self):
        item = wxr_post(1, "Local", slug="local").replace(
            "<wp:post_date_gmt>2020-05-04 10:00:00</wp:post_date_gmt>",
            "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>",
        )
        import_export(self.write(wxr_export(item)), time_zone="Europe/Berlin")
        published = Article.objects.get().publish_at
        self.assertEqual(published.isoformat(), "2020-05-04T08:00:00+00:00")

    def test_existing_author_with_the_same_slug_is_merged_and_reported(self):
        Author.objects.create(name="Ed", slug="ed")
        report = import_export(self.write(wxr_export(wxr_post(1, "A", slug="a"))))
        data = report.as_dict()
        self.assertEqual(Author.objects.count(), 1)
        self.assertEqual(data["authors"]["merged_with_existing"], 1)
        self.assertEqual(data["warnings_by_kind"], {"author_merged": 1})

    def test_sections_keep_clear_of_reserved_and_taken_slugs(self):
        Section.objects.create(name="Sport", slug="news")
        channel = (
            "<wp:category><wp:category_nicename>search</wp:category_nicename>"
            "<wp:category_parent>news</wp:category_parent>"
            "<wp:cat_name>Search</wp:cat_name></wp:category>"
        )
        item = wxr_post(2, "B", slug="b").replace(
            '<category domain="category" nicename="news"><![CDATA[News]]></category>',
            '<category domain="category" nicename="news">News</category>'
            '<category domain="category" nicename="search">Search</category>',
        )
        import_export(self.write(wxr_export(item, channel_extra=channel)))
        self.assertEqual(
            sorted(Section.objects.values_list("slug", "name")),
            [("news", "Sport"), ("news-2", "News"), ("search-section", "Search")],
        )

    def test_slug_taken_by_another_article_gets_a_number(self):
        make_article("Ours", slug="same")
        items = wxr_post(1, "A", slug="same") + wxr_post(2, "B", slug="same")
        import_export(self.write(wxr_export(items)))
        self.assertEqual(
            sorted(Article.objects.values_list("slug", flat=True)),
            ["same", "same-2", "same-3"],
        )

    def test_an_editors_change_is_kept_while_the_post_is_unchanged(self):
        path = self.write(wxr_export(wxr_post(1, "A", slug="a")))
        import_export(path)
        Article.objects.update(headline="Edited here")
        report = import_export(path).as_dict()
        self.assertEqual(report["items"]["by_type"]["post"]["unchanged"], 1)
        self.assertEqual(Article.objects.get().headline, "Edited here")
        self.assertTrue(FormerURL.objects.filter(path="/?p=1").exists())

    def test_command_writes_the_report_and_prints_a_summary(self):
        path = self.write(wxr_export(wxr_post(1, "Hello", slug="hello")))
        out, report_path = io.StringIO(), self.folder / "report.json"
        call_command(
            "import_wordpress", str(path), "--report", str(report_path), stdout=out
        )
        self.assertIn("1 items in the file, 1 accounted for.", out.getvalue())
        report = json.loads(report_path.read_text())
        self.assertEqual(report["items"]["by_type"]["post"]["imported"], 1)
        self.assertEqual(Article.objects.get().slug, "hello")

    def test_command_dry_run_writes_nothing(self):
        path = self.write(wxr_export(wxr_post(1, "Hello", slug="hello")))
        out = io.StringIO()
        call_command("import_wordpress", str(path), "--dry-run", stdout=out)
        self.assertIn("Dry run: nothing was written.", out.getvalue())
        self.assertFalse(Article.objects.exists())

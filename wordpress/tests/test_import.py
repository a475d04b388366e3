import shutil
import tempfile
from datetime import UTC, datetime

from reversion.models import Version
from taggit.models import Tag

from django.test import TestCase
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, FormerURL
from attachments.models import Attachment, FormerFileURL
from images.models import Image
from images.testing import TemporaryMediaMixin
from sections.models import Section
from wordpress.importer import import_export
from wordpress.models import (
    ImportedAuthor,
    ImportedFile,
    ImportedImage,
    ImportedPost,
    Site,
)
from wordpress.testing import BLOCK_TEST, THEME_UNIT_TEST, make_uploads, needs_fixtures


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            ArticleAuthor,
            Author,
            FormerURL,
            Image,
            Section,
            Tag,
            Site,
            ImportedPost,
            ImportedImage,
            ImportedAuthor,
            Attachment,
            ImportedFile,
            FormerFileURL,
        )
    }


class ReimportMixin:
    def assertImportingAgainChangesNothing(self, export, **options):
        """Import `export` again; check no row moved; return its report."""
        before, articles = row_counts(), article_state()
        again = import_export(export, **options).as_dict()
        self.assertEqual(row_counts(), before)
        self.assertEqual(article_state(), articles)
        return again


def article_state():
    return list(
        Article.objects.order_by("pk").values_list(
            "pk", "headline", "slug", "body", "status", "publish_at", "updated_at"
        )
    )


@needs_fixtures
class ThemeUnitTestImportTests(ReimportMixin, TestCase):
    """The canonical Theme Unit Test export, without its uploads."""

    @classmethod
    def setUpTestData(cls):
        cls.report = import_export(THEME_UNIT_TEST)
        cls.data = cls.report.as_dict()
        cls.imported_at = Site.objects.get().imported_at

    def test_every_item_is_accounted_for_by_type(self):
        items = self.data["items"]
        self.assertEqual(items["in_file"], 186)
        self.assertEqual(items["accounted_for"], 186)
        self.assertEqual(
            items["by_type"],
            {
                "post": {"in_file": 58, "imported": 58},
                "attachment": {"in_file": 37, "missing": 37},
                "page": {"in_file": 21, "not_imported": 21},
                "nav_menu_item": {"in_file": 70, "not_imported": 70},
            },
        )
        self.assertEqual(self.data["problems"], [])

    def test_posts_by_status(self):
        self.assertEqual(
            self.data["posts_by_status"], {"live": 56, "draft": 1, "scheduled": 1}
        )
        articles = Article.objects.all()
        self.assertEqual(articles.count(), 58)
        self.assertEqual(articles.live().count(), 56)
        self.assertEqual(articles.scheduled().count(), 1)
        self.assertEqual(articles.filter(status=Article.Status.DRAFT).count(), 1)
        scheduled = articles.scheduled().get()
        self.assertEqual(scheduled.headline, "Scheduled")
        self.assertEqual(
            scheduled.publish_at, datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
        )

    def test_a_password_protected_post_is_live_behind_its_password(self):
        protected = Article.objects.live().get(reader_password__gt="")
        self.assertIn("Password Protected", protected.headline)
        self.assertEqual(protected.reader_password, "enter")
        self.assertEqual(self.data["warnings_by_kind"]["password_protected"], 1)
        page = self.client.get(protected.get_absolute_url())
        self.assertContains(page, 'name="password"')
        self.assertNotContains(page, "should not be visible until")
        opened = self.client.post(protected.get_absolute_url(), {"password": "enter"})
        self.assertContains(opened, "should not be visible until")

    def test_missing_media_lists_every_attachment_with_its_url(self):
        missing = self.data["missing_media"]
        self.assertEqual(len(missing), 37)
        canola = next(m for m in missing if m["path"] == "2008/06/canola2.jpg")
        self.assertEqual(
            canola["url"],
            "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
        )
        self.assertEqual(Image.objects.count(), 0)
        self.assertEqual(Attachment.objects.count(), 0)
        self.assertGreater(self.data["warnings_by_kind"]["missing_image"], 0)
        mp3 = next(m for m in missing if m["path"].endswith(".mp3"))
        self.assertEqual(
            mp3["url"],
            "https://wpthemetestdata.files.wordpress.com/2008/06/"
            "originaldixielandjazzbandwithalbernard-stlouisblues.mp3",
        )

    def test_authors_are_the_declared_ones_and_dirty_references_repaired(self):
        self.assertEqual(
            sorted(Author.objects.values_list("slug", "name")),
            [("themedemos", "Theme Buster"), ("themereviewteam", "Theme Reviewer")],
        )
        self.assertEqual(self.data["authors"], {"created": 2, "declared": 2})
        self.assertEqual(self.data["warnings_by_kind"]["author_repaired"], 1)
        self.assertEqual(ArticleAuthor.objects.count(), 58)

    def test_most_specific_category_is_the_section_and_others_are_tags(self):
        article = Article.objects.get(headline="Edge Case: Many Categories")
        self.assertEqual(article.section.slug, "child-2")
        self.assertEqual(article.section.parent.slug, "child-1")
        self.assertEqual(article.section.parent.parent.slug, "parent")
        self.assertEqual(article.tags.count(), 62 + 0)
        self.assertEqual(self.data["categories"]["sections"], 8)
        self.assertEqual(sum(self.data["categories"].values()), 68)
        self.assertFalse(Section.objects.filter(show_in_navigation=True).exists())

    def test_the_pages_copy_shows_every_tag_and_author(self):
        for headline in ("Edge Case: Many Tags", "Edge Case: Many Categories"):
            article = Article.objects.select_related("display_data").get(
                headline=headline
            )
            shown = sorted(name for name, _ in article.display_data.tags)
            self.assertEqual(shown, sorted(article.tags.names()))
            self.assertEqual(len(article.display_data.authors), 1)
        many_tags = Article.objects.get(headline="Edge Case: Many Tags")
        version = Version.objects.get_for_object(many_tags).get()
        self.assertEqual(version.revision.comment, "Imported from WordPress.")

    def test_post_without_category_is_filed_in_uncategorized(self):
        article = Article.objects.get(headline="Keyboard navigation")
        self.assertEqual(article.section.slug, "uncategorized")
        self.assertEqual(self.data["warnings_by_kind"]["uncategorized"], 1)

    def test_titles_with_markup_or_none_become_plain_headlines(self):
        self.assertTrue(
            Article.objects.filter(
                headline="Markup: Title With Markup", slug="markup-title-with-markup"
            ).exists()
        )
        self.assertTrue(Article.objects.filter(headline="Untitled (1169)").exists())

    def test_content_is_sanitized_and_converted(self):
        for body in Article.objects.values_list("body", flat=True):
            self.assertNotIn("<!--", body)
            self.assertNotIn("<script", body)
            self.assertNotIn("[caption", body)
            self.assertNotIn("[gallery", body)
        more = Article.objects.get(headline="Template: More Tag")
        self.assertTrue(more.body.startswith("<p>This content is before the"))
        audio = Article.objects.get(headline="Post Format: Audio")
        self.assertIn(
            '<a href="https://wpthemetestdata.files.wordpress.com/', audio.body
        )
        self.assertEqual(self.data["warnings_by_kind"]["shortcode_link"], 1)

    def test_comments_pages_menus_and_meta_are_counted_not_imported(self):
        self.assertEqual(self.data["comments_not_imported"], 33)
        self.assertEqual(self.data["terms_not_imported"], {"post_format": 13})
        self.assertEqual(self.data["meta_not_imported"], {"enclosure": 3})

    def test_importing_again_changes_nothing(self):
        again = self.assertImportingAgainChangesNothing(THEME_UNIT_TEST)
        self.assertEqual(
            again["items"]["by_type"]["post"], {"in_file": 58, "unchanged": 58}
        )
        self.assertEqual(again["authors"], {"declared": 2})
        self.assertEqual(Site.objects.get().imported_at, self.imported_at)
        self.assertEqual(again["sections"], {})

    def test_changed_post_in_a_newer_export_is_updated(self):
        imported = ImportedPost.objects.get(wp_id=1241)
        imported.fingerprint = "changed in WordPress"
        imported.save()
        again = import_export(THEME_UNIT_TEST).as_dict()
        self.assertEqual(
            again["items"]["by_type"]["post"],
            {"in_file": 58, "unchanged": 57, "updated": 1},
        )
        self.assertEqual(Article.objects.count(), 58)

    def test_dry_run_writes_nothing(self):
        Article.objects.all().delete()
        FormerURL.objects.all().delete()
        Site.objects.all().delete()
        report = import_export(THEME_UNIT_TEST, dry_run=True).as_dict()
        self.assertTrue(report["dry_run"])
        self.assertEqual(report["items"]["accounted_for"], 186)
        self.assertEqual(report["posts_by_status"], self.data["posts_by_status"])
        self.assertEqual(Article.objects.count(), 0)
        self.assertEqual(Site.objects.count(), 0)


@needs_fixtures
class OldAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_export(THEME_UNIT_TEST)
        cls.article = Article.objects.get(headline="Template: Sticky")

    def assertRedirectsInOneHop(self, address, article):
        response = self.client.get(address)
        self.assertEqual(response.status_code, 301, address)
        self.assertEqual(response["Location"], article.get_absolute_url())
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)

    def test_link_and_date_slug_permalink_redirect(self):
        self.assertRedirectsInOneHop("/2012/01/07/template-sticky/", self.article)

    def test_post_id_query_redirects(self):
        self.assertRedirectsInOneHop("/?p=1241", self.article)

    def test_guid_of_the_same_site_redirects(self):
        article = Article.objects.get(headline="Scheduled")
        # Scheduled: not live yet, so its old addresses lead nowhere for now.
        self.assertEqual(self.client.get("/?p=418").status_code, 200)  # the front
        self.assertEqual(self.client.get("/2020/01/01/scheduled/").status_code, 404)
        Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
        article.refresh_from_db()
        self.assertRedirectsInOneHop("/?p=418", article)

    def test_guid_naming_another_post_id_is_left_to_that_post(self):
        # "Post Format: Image" (1158) has the guid ?p=568, which is post 568.
        image_linked = Article.objects.get(headline="Post Format: Image (Linked)")
        self.assertRedirectsInOneHop("/?p=568", image_linked)

    def test_single_slug_link_redirects(self):
        article = Article.objects.get(headline="WP 6.1 Font size scale")
        self.assertRedirectsInOneHop("/wp-6-1-font-size-scale/", article)

    def test_drafts_old_addresses_lead_nowhere(self):
        # As for an unknown post id: the front page, which tells nothing.
        self.assertNotIn("Location", self.client.get("/?p=1164"))
        self.assertEqual(self.client.get("/?p=1164").status_code, 200)

    def test_unknown_post_id_shows_the_front_page(self):
        self.assertEqual(self.client.get("/?p=999999").status_code, 200)

    def test_other_hosts_guids_are_not_redirects(self):
        self.assertFalse(FormerURL.objects.filter(path__startswith="/demo/").exists())


@needs_fixtures
class BlockTestDataImportTests(ReimportMixin, TestCase):
    """The block-editor export, without its uploads."""

    @classmethod
    def setUpTestData(cls):
        cls.data = import_export(BLOCK_TEST).as_dict()

    def test_every_item_is_accounted_for_by_type(self):
        self.assertEqual(self.data["items"]["in_file"], 72)
        self.assertEqual(self.data["items"]["accounted_for"], 72)
        self.assertEqual(
            self.data["items"]["by_type"],
            {
                "post": {"in_file": 61, "imported": 61},
                "attachment": {"in_file": 9, "missing": 9},
                "page": {"in_file": 1, "not_imported": 1},
                "wp_navigation": {"in_file": 1, "not_imported": 1},
            },
        )
        self.assertEqual(self.data["posts_by_status"], {"live": 61})
        self.assertEqual(Article.objects.live().count(), 61)
        self.assertEqual(self.data["comments_not_imported"], 2)
        self.assertEqual(self.data["meta_not_imported"], {"footnotes": 1})

    def test_double_escaped_title_is_read_as_written(self):
        self.assertTrue(Article.objects.filter(headline="Media & Text").exists())

    def test_block_markup_leaves_no_comments_and_keeps_paragraphs(self):
        paragraph = Article.objects.get(headline="Paragraph")
        self.assertNotIn("wp:", paragraph.body)
        self.assertTrue(paragraph.body.startswith("<p>"))

    def test_importing_again_changes_nothing(self):
        again = self.assertImportingAgainChangesNothing(BLOCK_TEST)
        self.assertEqual(
            again["items"]["by_type"]["post"], {"in_file": 61, "unchanged": 61}
        )


@needs_fixtures
class MediaDirImportTests(ReimportMixin, TemporaryMediaMixin, TestCase):
    """Both exports with a copy of their uploads made of generated pictures."""

    @classmethod
    def setUpTestData(cls):
        cls.uploads = tempfile.mkdtemp(prefix="newsroom-wp-uploads-")
        cls.addClassCleanup(shutil.rmtree, cls.uploads, ignore_errors=True)
        make_uploads(THEME_UNIT_TEST, cls.uploads)
        make_uploads(BLOCK_TEST, cls.uploads)
        cls.theme = import_export(THEME_UNIT_TEST, media_dir=cls.uploads).as_dict()

    def test_pictures_and_other_files_are_imported(self):
        self.assertEqual(
            self.theme["items"]["by_type"]["attachment"],
            {"in_file": 37, "imported": 37},
        )
        self.assertEqual(self.theme["missing_media"], [])
        self.assertEqual(self.theme["skipped"], [])
        self.assertEqual(Image.objects.count(), 35)
        self.assertEqual(
            sorted(Attachment.objects.values_list("kind", "original_filename")),
            [
                ("audio", "originaldixielandjazzbandwithalbernard-stlouisblues.mp3"),
                ("video", "2014-slider-mobile-behavior.mov"),
            ],
        )
        self.assertEqual(ImportedFile.objects.count(), 2)

    def test_files_keep_their_title_and_are_served_from_the_library(self):
        audio = ImportedFile.objects.get(wp_id=821).attachment
        self.assertEqual(audio.title, "St. Louis Blues")
        self.assertTrue(audio.file.name.startswith("files/2008/"), audio.file.name)
        response = self.client.get(audio.file.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"ID3"))

    def test_audio_post_links_to_the_library_file(self):
        audio = ImportedFile.objects.get(wp_id=821).attachment
        article = Article.objects.get(headline="Post Format: Audio")
        self.assertIn(f'<a href="{audio.file.url}"', article.body)
        self.assertIn("</a> (audio)</p>", article.body)
        self.assertNotIn("stlouisblues.mp3", article.body)

    def test_files_on_another_host_get_no_redirect(self):
        # files.wordpress.com never pointed at the newsroom's own address.
        self.assertEqual(self.theme["old_urls"]["file_other_host"], 2)
        self.assertFalse(FormerFileURL.objects.exists())

    def test_alt_text_caption_and_source_come_from_the_attachment(self):
        image = ImportedImage.objects.get(wp_id=611).image
        self.assertEqual(image.alt_text, "canola")
        self.assertEqual(
            image.source_url,
            "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
        )
        self.assertEqual((image.width, image.height), (48, 32))

    def test_featured_image_becomes_lead_image(self):
        article = Article.objects.get(headline="Markup: Image Alignment")
        self.assertEqual(
            article.lead_image, ImportedImage.objects.get(wp_id=1023).image
        )
        self.assertEqual(Article.objects.filter(lead_image__isnull=False).count(), 6)

    def test_pictures_in_content_are_library_figures(self):
        article = Article.objects.get(headline="Markup: Image Alignment")
        image = ImportedImage.objects.get(wp_id=1025).image
        self.assertIn(f'data-file="{image.pk}"', article.body)
        self.assertNotIn("files.wordpress.com", article.body)
        gallery = Article.objects.get(headline="Post Format: Gallery")
        self.assertGreaterEqual(gallery.body.count("<figure>"), 20)

    def test_importing_again_changes_nothing(self):
        again = self.assertImportingAgainChangesNothing(
            THEME_UNIT_TEST, media_dir=self.uploads
        )
        self.assertEqual(
            again["items"]["by_type"]["attachment"],
            {"in_file": 37, "unchanged": 37},
        )

    def test_pictures_found_later_update_the_posts_that_show_them(self):
        ImportedImage.objects.all().delete()
        Article.objects.update(lead_image=None)
        Image.objects.all().delete()
        Attachment.objects.all().delete()
        without = import_export(THEME_UNIT_TEST).as_dict()
        self.assertEqual(without["items"]["by_type"]["attachment"]["missing"], 37)
        audio = Article.objects.get(headline="Post Format: Audio")
        self.assertIn("files.wordpress.com/2008/06/", audio.body)
        with_media = import_export(THEME_UNIT_TEST, media_dir=self.uploads).as_dict()
        self.assertEqual(with_media["items"]["by_type"]["attachment"]["imported"], 37)
        audio.refresh_from_db()
        self.assertIn(
            f'href="{Attachment.objects.get(kind="audio").file.url}"', audio.body
        )
        self.assertGreater(with_media["items"]["by_type"]["post"]["updated"], 0)

    def test_block_export_shares_the_sites_pictures(self):
        # Both exports are of wpthemetestdata.wordpress.com and their 9
        # attachments have ids and files the first export had: nothing new.
        data = import_export(BLOCK_TEST, media_dir=self.uploads).as_dict()
        self.assertEqual(
            data["items"]["by_type"]["attachment"],
            {"in_file": 9, "unchanged": 9},
        )
        self.assertEqual(Image.objects.count(), 35)
        self.assertEqual(Attachment.objects.count(), 2)
        self.assertEqual(data["problems"], [])
        # The block editor's players became links to the same library files.
        video = Attachment.objects.get(kind="video")
        for headline in ("Video", "Media & Text"):
            article = Article.objects.get(headline=headline)
            self.assertIn(f'<a href="{video.file.url}"', article.body)
            self.assertNotIn("<video", article.body)

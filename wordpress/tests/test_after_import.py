"""What the import computes once it has committed: related lists, page
copies and renditions, in bulk and in its own process, so that the first
view of every imported page costs what any page whose derived data is
stored costs, with no worker having run."""

import io
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleDisplayData
from articles.testing import make_article, make_author, make_section
from images.models import Image
from images.testing import TemporaryMediaMixin, make_image
from newsroom.background import DUMMY_BACKEND, IMMEDIATE_BACKEND, default_task_backend
from newsroom.bulk import bulk_job, in_bulk_job
from related.models import RelatedArticle
from wordpress import derived
from wordpress.importer import import_export
from wordpress.models import ImportedPost
from wordpress.testing import (
    THEME_UNIT_TEST,
    make_uploads,
    needs_fixtures,
    wxr_export,
    wxr_post,
)

QUEUE_ONLY = {"default": {"BACKEND": DUMMY_BACKEND}}
RUN_AT_ONCE = {"default": {"BACKEND": IMMEDIATE_BACKEND}}


def queued_tasks():
    return [result.task.module_path for result in default_task_backend.results]


def computed_lists():
    """Return {article id: [target ids]} of every stored list."""
    lists = {}
    for article_id, target_id in RelatedArticle.objects.order_by(
        "article_id", "position"
    ).values_list("article_id", "target_id"):
        lists.setdefault(article_id, []).append(target_id)
    return lists


@needs_fixtures
@override_settings(TASKS=QUEUE_ONLY)
class ComputedAfterImportTests(TemporaryMediaMixin, TestCase):
    """The Theme Unit Test export with its uploads, imported as a commit
    would see it: the callbacks run, the tasks they enqueue are recorded."""

    @classmethod
    def setUpTestData(cls):
        uploads = tempfile.mkdtemp(prefix="newsroom-wp-uploads-")
        cls.addClassCleanup(shutil.rmtree, uploads, ignore_errors=True)
        make_uploads(THEME_UNIT_TEST, uploads)
        cls.uploads = uploads
        default_task_backend.clear()
        with cls.captureOnCommitCallbacks(execute=True):
            cls.data = import_export(THEME_UNIT_TEST, media_dir=uploads).as_dict()
        cls.queued = queued_tasks()

    def setUp(self):
        default_task_backend.clear()

    def imported_articles(self):
        return Article.objects.filter(wordpress_post__isnull=False)

    def test_the_import_leaves_no_task_to_a_worker(self):
        self.assertEqual(self.queued, [])

    def test_the_report_says_what_was_computed(self):
        computed = self.data["computed_after_import"]
        self.assertEqual(list(computed), ["page copies", "related lists", "renditions"])
        self.assertEqual(computed["page copies"]["count"], 58)
        # Every live or scheduled article of the archive (drafts and
        # articles in review have no list).
        listed = Article.objects.may_become_live().count()
        self.assertGreater(listed, 55)
        self.assertEqual(computed["related lists"]["count"], listed)
        self.assertEqual(computed["renditions"]["count"], 35)

    def test_every_live_or_scheduled_article_has_its_list_and_its_copy(self):
        lists = computed_lists()
        for article in (
            self.imported_articles().may_become_live().select_related("display_data")
        ):
            with self.subTest(article=article.headline):
                self.assertEqual(lists[article.pk][-1], article.pk)  # the sentinel
                links = [link[0] for link in article.display_data.related]
                shown = [pk for pk in lists[article.pk][:-1] if pk in links]
                self.assertEqual(links, shown)
                self.assertEqual(
                    sorted(name for name, _ in article.display_data.tags),
                    sorted(article.tags.names()),
                )
        self.assertGreater(sum(len(targets) > 1 for targets in lists.values()), 40)

    def test_drafts_get_their_page_copy_too(self):
        draft = self.imported_articles().get(status=Article.Status.DRAFT)
        self.assertTrue(ArticleDisplayData.objects.filter(pk=draft.pk).exists())

    def test_every_imported_picture_has_every_rendition(self):
        images = Image.objects.filter(wordpress_attachments__isnull=False)
        self.assertEqual(images.count(), 35)
        for image in images:
            self.assertEqual(image.stale_uses(), [], image)

    def test_search_finds_an_imported_article_at_once(self):
        article = Article.objects.get(headline="Edge Case: Many Categories")
        response = self.client.get("/search/", {"q": "Many Categories"})
        self.assertContains(response, f'href="{article.get_absolute_url()}"')

    def test_importing_again_computes_nothing_and_queues_nothing(self):
        lists = computed_lists()
        with self.captureOnCommitCallbacks(execute=True):
            again = import_export(THEME_UNIT_TEST, media_dir=self.uploads).as_dict()
        self.assertEqual(again["computed_after_import"], {})
        self.assertEqual(queued_tasks(), [])
        self.assertEqual(computed_lists(), lists)

    def test_a_changed_post_gets_its_copy_and_every_list_again(self):
        imported = ImportedPost.objects.get(wp_id=1241)
        imported.fingerprint = "changed in WordPress"
        imported.save()
        article = imported.article
        article.tags.clear()  # the import puts them back
        ArticleDisplayData.objects.filter(pk=article.pk).update(tags=[])
        with self.captureOnCommitCallbacks(execute=True):
            again = import_export(THEME_UNIT_TEST, media_dir=self.uploads).as_dict()
        computed = again["computed_after_import"]
        self.assertEqual(computed["page copies"]["count"], 1)
        self.assertEqual(
            computed["related lists"]["count"],
            Article.objects.may_become_live().count(),
        )
        self.assertNotIn("renditions", computed)
        self.assertEqual(queued_tasks(), [])
        article.display_data.refresh_from_db()
        self.assertEqual(
            sorted(name for name, _ in article.display_data.tags),
            sorted(article.tags.names()),
        )
        self.assertTrue(article.display_data.tags)

    def page_queries(self, path):
        """Return the queries of a first view: nothing cached, in no process."""
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return len(queries)

    def normal_article(self):
        """Return an article saved as an editor would, in a section of its
        own, with a lead image, tags, a byline and a picture in its body,
        its tasks run."""
        with override_settings(TASKS=RUN_AT_ONCE):
            with self.captureOnCommitCallbacks(execute=True):
                image = make_image(alt_text="A harbour")
            with self.captureOnCommitCallbacks(execute=True):
                article = make_article(
                    "Harbour reopens after the storm",
                    section=make_section("Harbour"),
                    tags=["Harbour", "Storm"],
                    authors=[make_author("Ed Itor")],
                    lead_image=image,
                    body=f'<p>Text.</p><figure><img src="{image.file.url}" alt="" '
                    f'data-file="{image.pk}"></figure>',
                )
        article.refresh_from_db()
        image.refresh_from_db()
        self.assertIsNotNone(article.display_data.related)
        self.assertEqual(image.stale_uses(), [])
        return article

    def imported_article(self):
        return (
            self.imported_articles()
            .live()
            .filter(lead_image__isnull=False, body__contains="data-file=")
            .select_related("section")
            .order_by("pk")
            .first()
        )

    def test_first_view_of_an_imported_article_costs_what_a_normal_ones_does(self):
        normal = self.normal_article()
        imported = self.imported_article()
        self.assertTrue(imported.tags.exists())
        expected = self.page_queries(normal.get_absolute_url())
        cache.clear()
        with self.assertNumQueries(expected):
            response = self.client.get(imported.get_absolute_url())
        self.assertContains(response, "<picture>")
        self.assertEqual(queued_tasks(), [])

    def test_first_view_of_an_imported_section_front_costs_what_a_normal_ones_does(
        self,
    ):
        normal = self.normal_article()
        imported = self.imported_article()
        # Both fronts show a teaser with a lead image.
        expected = self.page_queries(normal.section.get_absolute_url())
        cache.clear()
        with self.assertNumQueries(expected):
            response = self.client.get(imported.section.get_absolute_url())
        self.assertContains(response, "<picture>")
        self.assertEqual(queued_tasks(), [])

    def test_first_view_of_the_front_page_costs_what_it_does_later(self):
        imported_only = self.page_queries("/")
        self.normal_article()  # its derived data stored, and on the front
        self.assertEqual(self.page_queries("/"), imported_only)
        self.assertEqual(queued_tasks(), [])


@override_settings(TASKS=QUEUE_ONLY)
class SmallExportTests(TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.export = Path(folder.name) / "export.xml"
        self.export.write_bytes(
            wxr_export(
                wxr_post(1, "Harbour storm damage", slug="harbour-storm")
                + wxr_post(2, "Harbour reopens after storm", slug="harbour-reopens")
            )
        )
        default_task_backend.clear()

    def test_a_dry_run_computes_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            report = import_export(self.export, dry_run=True).as_dict()
        self.assertEqual(report["computed_after_import"], {})
        self.assertFalse(Article.objects.exists())
        self.assertFalse(RelatedArticle.objects.exists())
        self.assertFalse(ArticleDisplayData.objects.exists())
        self.assertEqual(queued_tasks(), [])

    def test_the_saves_inside_the_import_keep_no_copy_and_queue_nothing(self):
        seen = []
        original = derived.compute

        def compute(**kwargs):
            # What the import's own saves left behind, before the bulk step.
            seen.append(
                (
                    ArticleDisplayData.objects.count(),
                    RelatedArticle.objects.count(),
                    in_bulk_job(),
                )
            )
            return original(**kwargs)

        with (
            mock.patch.object(derived, "compute", compute),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            import_export(self.export)
        self.assertEqual(seen, [(0, 0, False)])
        self.assertEqual(queued_tasks(), [])
        # The content version moves (twice: once committed, once computed),
        # never once per row.
        self.assertLessEqual(len(callbacks), 4)
        self.assertEqual(ArticleDisplayData.objects.count(), 2)
        first, second = Article.objects.order_by("pk")
        self.assertEqual([link[0] for link in first.display_data.related], [second.pk])

    def test_an_image_saved_in_a_bulk_job_queues_no_renditions(self):
        with bulk_job(), self.captureOnCommitCallbacks(execute=True):
            Image(alt_text="Nothing", file="x.jpg", format="JPEG").save()
        self.assertEqual(queued_tasks(), [])
        with self.captureOnCommitCallbacks(execute=True):
            Image(alt_text="Something", file="y.jpg", format="JPEG").save()
        self.assertEqual(len(queued_tasks()), 1)

    def test_a_failure_after_the_commit_keeps_the_import_and_says_what_is_left(self):
        with (
            mock.patch.object(
                derived.ranking, "reindex_all", side_effect=RuntimeError("disk full")
            ),
            self.assertRaises(CommandError) as raised,
        ):
            call_command("import_wordpress", str(self.export), stdout=io.StringIO())
        message = str(raised.exception)
        self.assertIn("The import was committed", message)
        self.assertIn("disk full", message)
        self.assertIn("manage.py refresh_related", message)
        self.assertEqual(Article.objects.count(), 2)
        self.assertEqual(ArticleDisplayData.objects.count(), 2)  # done before
        self.assertEqual(queued_tasks(), [])


class ImportedImageRenditionTests(TemporaryMediaMixin, TestCase):
    """Renditions are made for pictures whose renditions are stale, once."""

    def test_current_renditions_are_not_made_again(self):
        image = make_image()
        first = derived.compute(article_ids=[], images=[image, image])
        self.assertEqual(first["renditions"]["count"], 1)
        image.refresh_from_db()
        self.assertEqual(image.stale_uses(), [])
        self.assertEqual(derived.compute(article_ids=[], images=[image]), {})

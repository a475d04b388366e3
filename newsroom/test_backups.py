import io
import shutil
import tempfile
from pathlib import Path

import reversion
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TransactionTestCase

from articles.models import Article, ArticleAuthor, Author, FormerURL
from articles.testing import make_article, make_author, make_section
from images.models import Image
from images.testing import TemporaryMediaMixin, make_image

BACKED_UP = [Article, ArticleAuthor, Author, FormerURL, Image, Revision, Version]


def snapshot():
    """Return every row that a backup must bring back, and every media file."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in [*BACKED_UP, Tag, TaggedItem]
    }
    files = {}
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(root))] = path.read_bytes()
    return rows, files


class BackupRoundTripTests(TemporaryMediaMixin, TransactionTestCase):
    """Back up, lose everything, restore: all comes back identical (on the
    database the suite runs on: SQLite, or PostgreSQL with pg_dump)."""

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-backup-test-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def make_content(self):
        section = make_section("World News")
        author = make_author("Ada Reporter")
        image = make_image(alt_text="Talks in Beijing")
        with transaction.atomic(), reversion.create_revision():
            article = make_article(
                "Blinken begins talks in China",
                section=section,
                tags=["china", "diplomacy"],
                authors=[author],
                lead_image=image,
            )
        with transaction.atomic(), reversion.create_revision():
            article.slug = "blinken-talks-china"
            article.headline = "Blinken holds talks in China"
            article.save()
        FormerURL.objects.get_or_create(
            article=article, path="/world-news/2023/06/18/old-address/"
        )
        make_article("Another story", section=section, tags=["china"])
        return article

    def test_database_and_media_come_back_identical(self):
        self.make_content()
        before = snapshot()
        self.assertGreaterEqual(len(before[0]["Version"]), 2)
        self.assertTrue(before[0]["FormerURL"])
        self.assertTrue(before[1])

        out = io.StringIO()
        call_command("backup", str(self.folder), stdout=out)
        backup = Path(out.getvalue().strip())
        self.assertTrue((backup / "database.dump").is_file())
        self.assertTrue((backup / "media.tar").is_file())

        # Lose it all: rows, files, and add a stray article.
        Article.objects.all().delete()
        Image.objects.all().delete()
        Revision.objects.all().delete()
        shutil.rmtree(settings.MEDIA_ROOT)
        Path(settings.MEDIA_ROOT).mkdir()
        make_article("Written after the backup")
        self.assertNotEqual(snapshot(), before)

        call_command("restore", str(backup), "--noinput", stdout=io.StringIO())

        after = snapshot()
        self.assertEqual(after[0], before[0])
        self.assertEqual(after[1], before[1])
        # The restored site works: its rows can be changed and saved again.
        article = Article.objects.get(slug="blinken-talks-china")
        article.headline = "Blinken ends talks in China"
        article.save()
        self.assertTrue(default_storage.exists(article.lead_image.file.name))

    def test_restore_refuses_a_folder_that_is_not_a_backup(self):
        with self.assertRaisesMessage(CommandError, "is missing"):
            call_command("restore", str(self.folder), "--noinput")

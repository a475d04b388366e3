from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar"


class Command(BaseCommand):
    help = (
        "Back the database and the media files up into a new folder under "
        "DIRECTORY (default NEWSROOM_BACKUP_DIR), and print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=None)

    def handle(self, *args, directory=None, **options):
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
        folder = Path(directory or settings.NEWSROOM_BACKUP_DIR) / f"newsroom-{stamp}"
        folder.mkdir(parents=True)
        quiet = {"verbosity": 0, "quiet": True}
        call_command("dbbackup", output_path=str(folder / DATABASE_FILE), **quiet)
        call_command("mediabackup", output_path=str(folder / MEDIA_FILE), **quiet)
        self.stdout.write(str(folder))

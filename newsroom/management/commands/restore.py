from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .backup import DATABASE_FILE, MEDIA_FILE


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from a folder made by "
        "`manage.py backup`. The database is replaced whole; media files in "
        "the backup replace those of the same name. Stop the app servers and "
        "task workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, folder, interactive=True, **options):
        folder = Path(folder)
        database, media = folder / DATABASE_FILE, folder / MEDIA_FILE
        for path in (database, media):
            if not path.is_file():
                raise CommandError(f"{path} is missing: is {folder} a backup?")
        if (
            interactive
            and input(
                "This replaces the whole database and the media files of the same "
                f"names with the backup in {folder}. Type 'yes' to go on: "
            )
            != "yes"
        ):
            raise CommandError("Restore cancelled.")
        quiet = {"verbosity": 0, "quiet": True, "interactive": False}
        call_command("dbrestore", input_path=str(database), **quiet)
        call_command("mediarestore", input_path=str(media), replace=True, **quiet)
        self.stdout.write(f"Restored {folder}. Restart the app servers and workers.")

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from ...derived import ComputeFailed
from ...importer import ImportFailed, import_export
from ...wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, Tools → Export): posts, authors, "
        "categories, tags, pictures and old addresses. Prints a report of what "
        "became of every item; exits with an error if the numbers do not add up."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export file (.xml).")
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads folder; pictures are "
            "found in it by the path of their address.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read, map and check everything, write nothing, print the report.",
        )
        parser.add_argument("--report", help="Also write the report as JSON here.")
        parser.add_argument(
            "--time-zone",
            help="The WordPress site's time zone, for posts dated only in local "
            "time (default: the TIME_ZONE setting).",
        )

    def handle(self, *args, **options):
        show_progress = options["verbosity"] >= 1 and sys.stderr.isatty()
        self._step = None
        try:
            report = import_export(
                options["export"],
                media_dir=options["media_dir"],
                dry_run=options["dry_run"],
                time_zone=options["time_zone"],
                progress=self._progress if show_progress else None,
            )
        except ComputeFailed as error:
            # Committed: the report stands, the error says what is left.
            self._write_report(error.report, options)
            raise CommandError(str(error)) from error
        except (WXRError, ImportFailed, OSError) as error:
            raise CommandError(str(error)) from error
        self._write_report(report, options)

    def _write_report(self, report, options):
        if self._step:
            self.stderr.write("")
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as out:
                json.dump(report.as_dict(), out, indent=2, ensure_ascii=False)
        for line in report.summary_lines():
            self.stdout.write(line)

    def _progress(self, done, total, step="items imported"):
        if step != self._step:
            # Each step on its own line: items, then what is computed after.
            if self._step:
                self.stderr.write("")
            self._step = step
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total} {step}", ending="")

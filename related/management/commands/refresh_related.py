import sys
import time

from django.core.management.base import BaseCommand

from ...ranking import reindex_all


class Command(BaseCommand):
    help = (
        "Recompute the text vectors and stored related lists of every live "
        "article, e.g. after importing an archive in bulk."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done, total):
            if done % 200 == 0 or done == total:
                rate = done / max(time.monotonic() - started, 1e-6)
                sys.stderr.write(f"\r{done}/{total} articles, {rate:.0f}/s ")
                sys.stderr.flush()

        total = reindex_all(progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            f"Related lists of {total} articles computed in "
            f"{time.monotonic() - started:.1f} s."
        )

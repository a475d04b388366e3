import sys
import time

from django.core.management.base import BaseCommand

from articles.models import Article

from ...events import related_list_stored
from ...ranking import reindex_all


class Command(BaseCommand):
    help = (
        "Recompute the text vectors and stored related lists of every live "
        "article, e.g. after importing an archive in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Leave the work to a task worker instead of doing it now.",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            from ...tasks import reindex_related

            reindex_related.enqueue()
            self.stdout.write("Queued: a worker recomputes every related list.")
            return
        started = time.monotonic()

        def progress(done, total):
            if done % 200 == 0 or done == total:
                rate = done / max(time.monotonic() - started, 1e-6)
                sys.stderr.write(f"\r{done}/{total} articles, {rate:.0f}/s ")
                sys.stderr.flush()

        total = reindex_all(progress=progress)
        # Pages cached with the old lists render afresh.
        related_list_stored.send(sender=Article, article_ids=None)
        sys.stderr.write("\n")
        self.stdout.write(
            f"Related lists of {total} articles computed in "
            f"{time.monotonic() - started:.1f} s."
        )

import time

from django.core.management.base import BaseCommand

from ...counting import flush


class Command(BaseCommand):
    help = (
        "Move buffered reads into daily view counts and refresh the Popular "
        "posts ranking. Run it every minute, or with --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="Keep running, flushing every SECONDS seconds.",
        )

    def handle(self, *args, loop=None, **options):
        while True:
            stored = flush()
            self.stdout.write(f"Stored {stored} reads.")
            if not loop:
                return
            time.sleep(loop)

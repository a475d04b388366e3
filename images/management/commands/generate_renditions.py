import time

from django.core.management.base import BaseCommand

from ...models import Image
from ...renditions import USES


class Command(BaseCommand):
    help = (
        "Make the renditions of library images that are missing or outdated "
        "(after a change of rendition sizes, or images imported without them). "
        "Pages make missing renditions themselves, but a reader then waits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--use",
            action="append",
            choices=sorted(USES),
            help="Only this use (repeatable); all uses by default.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Remake renditions that are current."
        )

    def handle(self, *args, use=None, force=False, **options):
        started = time.perf_counter()
        images = made = 0
        for image in Image.objects.order_by("pk").iterator(chunk_size=100):
            done = image.generate_renditions(use, force=force)
            images += bool(done)
            made += len(done)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Renditions made for {made} uses of {images} images "
                f"in {seconds:.1f} s."
            )
        )

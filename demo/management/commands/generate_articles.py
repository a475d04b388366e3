import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...generator import generate


class Command(BaseCommand):
    help = (
        "Create N realistic articles fast, for load tests and ranking work: "
        "stories of related articles across the sections, with bylines, tags and "
        "recent reads; 1% drafts and 0.5% scheduled. Bulk inserts keep no "
        "revisions, so use it on demo and benchmark databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to create.")
        parser.add_argument(
            "--seed",
            type=int,
            help="The same seed gives the same articles. Default: a random one.",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=2000,
            help="Articles per insert transaction (default: 2000).",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=1500,
            help="Spread publish times over this many days up to now (default: 1500).",
        )

    def handle(self, *args, count, seed, batch, days, **options):
        for name, value in (("count", count), ("--batch", batch), ("--days", days)):
            if value < 1:
                raise CommandError(f"{name} must be at least 1.")
        bar = ProgressBar(self.stderr)
        result = generate(count, seed=seed, batch=batch, days=days, progress=bar)
        bar.finish()
        # Fresh statistics, or PostgreSQL ignores the new indexes (e.g. search)
        # until autovacuum gets round to it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.articles:,} articles in {len(result.stories):,} "
                f"stories (seed {result.seed}): {result.live:,} live, "
                f"{result.drafts:,} drafts, {result.scheduled:,} scheduled."
            )
        )
        self.stdout.write(
            f"  {result.sections} sections, {result.authors} authors, "
            f"{result.tags:,} tags ({result.new_tags:,} new), "
            f"{result.bylines:,} bylines, {result.tag_links:,} tag links, "
            f"{result.view_rows:,} daily view counts."
        )
        self.stdout.write(
            f"  {result.seconds:.1f} s: {result.articles_per_second:,.0f} articles/s, "
            f"{result.rows_per_second:,.0f} rows/s."
        )
        self.stdout.write(
            "Related posts of the new articles: `manage.py refresh_related` "
            "computes them all at once (`--queue` leaves it to a task worker); "
            "until then, an article's first view enqueues the whole archive's."
        )


class ProgressBar:
    """One line on stderr, rewritten in place: count, percentage, rate, ETA."""

    def __init__(self, out, every=0.25):
        self.out = out
        self.every = every
        self.started = time.monotonic()
        self.shown = 0.0
        self.width = 0

    def __call__(self, done, total):
        now = time.monotonic()
        if done < total and now - self.shown < self.every:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9)
        eta = (total - done) / rate if rate else 0
        line = (
            f"{done:,}/{total:,} articles  {done / total:4.0%}  "
            f"{rate:,.0f}/s  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        )
        self.width = max(self.width, len(line))
        self.out.write(f"\r{line:<{self.width}}", style_func=str, ending="")
        self.out.flush()

    def finish(self):
        if self.width:
            self.out.write("", style_func=str)

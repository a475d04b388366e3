from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "reading"
    verbose_name = "Reading"

    def ready(self):
        from frontpage.models import Block
        from newsroom.bulk import skipped_in_bulk_job
        from related.counting import RANKING_KEY

        from . import display, pagecache, receivers

        # Everything that keeps the read model fresh: the display data's copy
        # (bylines, tags, corrections, related links) and the content version.
        # A bulk job (an archive import) computes them once at its end.
        for signal, receiver, sender in [*display.RECEIVERS, *receivers.RECEIVERS]:
            signal.connect(skipped_in_bulk_job(receiver), sender=sender, weak=False)
        # Every article page shows the Popular posts ranking.
        pagecache.read_with_content_version(RANKING_KEY)
        # A scheduled front-page block takes its place at its second.
        pagecache.also_changes_at(Block.objects.next_live_from)

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RelatedConfig(AppConfig):
    name = "related"
    verbose_name = "Related and popular posts"

    def ready(self):
        from taggit.models import TaggedItem

        from articles import events
        from articles.models import Article
        from articles.signals import removed_from_articles
        from newsroom.bulk import skipped_in_bulk_job
        from newsroom.health import register_readiness_check

        from . import health, signals

        # Lists are computed by tasks (related/tasks.py); what pages show of
        # them is the reading app's business (it listens to
        # signals.related_list_stored). A bulk job (an archive import)
        # computes every list once at its end.
        curated_link = self.get_model("CuratedLink")
        tag = TaggedItem.tag.field.related_model
        for signal, receiver, sender in [
            (events.published, signals.article_published, Article),
            (events.changed, signals.article_published, Article),
            (events.unpublished, signals.article_unpublished, Article),
            (events.deleted, signals.article_deleted, Article),
            (removed_from_articles, signals.tag_removed, tag),
            *(
                (signal, receiver, sender)
                for signal in (post_save, post_delete)
                for receiver, sender in [
                    (signals.curated_link_changed, curated_link),
                    (signals.article_tags_changed, TaggedItem),
                ]
            ),
        ]:
            signal.connect(skipped_in_bulk_job(receiver), sender=sender, weak=False)
        register_readiness_check("publications", health.overdue_publications)

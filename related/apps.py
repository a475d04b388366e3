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
        from newsroom.health import register_readiness_check

        from . import health, signals

        # Lists are computed by tasks (related/tasks.py); what pages show of
        # them is the reading app's business (it listens to
        # signals.related_list_stored).
        curated_link = self.get_model("CuratedLink")
        for event in (events.published, events.changed):
            event.connect(signals.article_published, sender=Article)
        events.unpublished.connect(signals.article_unpublished, sender=Article)
        events.deleted.connect(signals.article_deleted, sender=Article)
        removed_from_articles.connect(
            signals.tag_removed, sender=TaggedItem.tag.field.related_model
        )
        for signal in (post_save, post_delete):
            signal.connect(signals.curated_link_changed, sender=curated_link)
            signal.connect(signals.article_tags_changed, sender=TaggedItem)
        register_readiness_check("publications", health.overdue_publications)

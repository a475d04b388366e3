from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


class RelatedConfig(AppConfig):
    name = "related"
    verbose_name = "Related and popular posts"

    def ready(self):
        from taggit.models import TaggedItem

        from articles.models import Article
        from articles.signals import removed_from_articles
        from newsroom.pagecache import bump_content_version

        from . import signals

        curated_link = self.get_model("CuratedLink")
        post_save.connect(signals.article_saved, sender=Article)
        pre_delete.connect(signals.article_deleting, sender=Article)
        post_delete.connect(signals.article_deleted, sender=Article)
        removed_from_articles.connect(
            signals.tag_removed, sender=TaggedItem.tag.field.related_model
        )
        for signal in (post_save, post_delete):
            signal.connect(
                bump_content_version,
                sender=curated_link,
                dispatch_uid=f"curatedlink-pagecache-{signal is post_save}",
            )
            signal.connect(signals.curated_link_changed, sender=curated_link)
            signal.connect(signals.article_tags_changed, sender=TaggedItem)

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        import reversion
        from taggit.models import TaggedItem

        from images.models import Image

        from .roles import sync_roles_after_migrate

        # Revisions keep the byline and the tags with the article.
        article = self.get_model("Article")
        reversion.register(article, follow=["bylines", "tagged_items"])
        reversion.register(self.get_model("ArticleAuthor"))
        if not reversion.is_registered(TaggedItem):
            reversion.register(TaggedItem)
        from . import display, signals

        # Article pages read bylines, tags and corrections from a copy.
        for signal, receiver, sender in display.RECEIVERS:
            signal.connect(receiver, sender=sender)

        # Pages readers see change with these; the page cache starts afresh.
        for signal in (post_save, post_delete):
            signal.connect(signals.article_changed, sender=article)
            for model in [
                self.get_model("ArticleAuthor"),
                self.get_model("Author"),
                self.get_model("Correction"),
                TaggedItem,
                TaggedItem.tag.field.related_model,
                # Alt text, caption, credit or focal point of a shown image.
                Image,
            ]:
                signal.connect(signals.content_changed, sender=model)
        # New permissions (new models, new apps) reach the role groups.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="sync-roles")
        from .search import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, dispatch_uid="repair-search-index")

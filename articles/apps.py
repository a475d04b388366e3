from taggit import apps as taggit_apps

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, pre_delete


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit's app under the name editors know it by (not "Taggit"),
    named in INSTALLED_APPS; never the articles app's own configuration."""

    default = False
    verbose_name = "Tags"


class ArticlesConfig(AppConfig):
    default = True
    name = "articles"

    def ready(self):
        import reversion
        from taggit.models import TaggedItem

        from .roles import sync_roles_after_migrate

        # Revisions keep the byline and the tags with the article.
        article = self.get_model("Article")
        reversion.register(article, follow=["bylines", "tagged_items"])
        reversion.register(self.get_model("ArticleAuthor"))
        if not reversion.is_registered(TaggedItem):
            reversion.register(TaggedItem)
        from . import events

        # Domain events (articles/events.py): a deletion is announced before
        # the row goes, so that receivers can still find what refers to it.
        pre_delete.connect(
            events.announce_deletion, sender=article, dispatch_uid="article-deleted"
        )
        from . import signals

        # A deleted tag or author is announced once, with its articles.
        for model in signals.SHOWN_ON_ARTICLES:
            pre_delete.connect(signals.shown_row_deleting, sender=model)
            post_delete.connect(signals.shown_row_deleted, sender=model)
        # New permissions (new models, new apps) reach the role groups.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="sync-roles")
        from images.usage import register_public_use

        # Images on live and scheduled articles change only through editors.
        register_public_use(
            lambda image: (
                article.objects.may_become_live().showing_image(image).exists()
            )
        )
        from attachments.usage import register_public_use as register_file_use

        # Files linked from live and scheduled articles likewise.
        register_file_use(
            lambda attachment: (
                article.objects.may_become_live()
                .linking_to(attachment.file.url)
                .exists()
            )
        )
        from attachments.models import file_replaced

        from .file_links import file_replaced as relink_file

        # Links in bodies follow a replaced library file.
        file_replaced.connect(relink_file, dispatch_uid="relink-replaced-file")
        from .search import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, dispatch_uid="repair-search-index")

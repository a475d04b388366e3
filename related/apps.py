from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RelatedConfig(AppConfig):
    name = "related"
    verbose_name = "Related and popular posts"

    def ready(self):
        from newsroom.pagecache import bump_content_version

        for signal in (post_save, post_delete):
            signal.connect(
                bump_content_version,
                sender=self.get_model("CuratedLink"),
                dispatch_uid=f"curatedlink-pagecache-{signal is post_save}",
            )

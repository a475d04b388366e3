from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SectionsConfig(AppConfig):
    name = "sections"

    def ready(self):
        from newsroom.pagecache import bump_content_version

        # Section names and menus appear on every page.
        for signal in (post_save, post_delete):
            signal.connect(
                bump_content_version,
                sender=self.get_model("Section"),
                dispatch_uid=f"section-pagecache-{signal is post_save}",
            )

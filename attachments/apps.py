from django.apps import AppConfig
from django.db.models.signals import post_delete


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "Files"

    def ready(self):
        from .models import Attachment, delete_file

        # A file outlives a deleted row only until the deletion is committed.
        post_delete.connect(
            delete_file, sender=Attachment, dispatch_uid="attachment-file"
        )

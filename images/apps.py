from django.apps import AppConfig
from django.db.models.signals import post_delete


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Image library"

    def ready(self):
        from .models import Image, delete_files

        # Files outlive a deleted row only until the deletion is committed.
        post_delete.connect(delete_files, sender=Image, dispatch_uid="image-files")

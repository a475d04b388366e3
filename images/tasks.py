"""The image library's derived work, run by task workers (newsroom.background)."""

from newsroom.background import retried_task

from .models import Image


@retried_task()
def generate_renditions(image_id):
    """Make the renditions of an image that are missing or outdated.

    Idempotent: renditions already current for the image's file and focal
    point are kept (Image.stale_uses). Return the names of the uses made.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:  # deleted meanwhile
        return []
    return image.generate_renditions()

"""Admin widget for choosing a library image in another model's form."""

from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.urls import reverse


class ImageChooserWidget(ForeignKeyRawIdWidget):
    """An image field as a thumbnail: choose from the library (searchable, with
    thumbnails), upload a new image in a pop-up, or remove the image.

    Use it for a ForeignKey to images.Image, e.g. in formfield_for_dbfield():
    ``ImageChooserWidget(db_field.remote_field, self.admin_site)``.
    """

    template_name = "admin/images/widgets/image_chooser.html"

    class Media:
        js = [
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/jquery.init.js",
            "admin/js/admin/RelatedObjectLookups.js",
            "admin-extra/image-chooser.js",
        ]
        css = {"all": ["admin-extra/images-admin.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        from .admin import thumbnail_html
        from .models import Image

        image = Image.objects.filter(pk=value).first() if value else None
        context["image"] = image
        context["thumbnail"] = thumbnail_html(image, size=120) if image else ""
        # The admin opens related pop-ups at this address as it is: it must ask
        # for the pop-up response that hands the new image back to this field.
        context["add_url"] = (
            reverse("admin:images_image_add") + "?_to_field=id&_popup=1"
        )
        context["summary_url"] = reverse("admin:images_image_summary", args=[0])
        return context

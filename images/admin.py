from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from newsroom.libraries import LibraryAdminMixin

from .forms import ImageForm
from .models import Image
from .renditions import USES

# The crops shown beside the focal point, to check each use at a glance.
PREVIEWED_USES = ["lead", "card", "thumbnail", "social"]


class OrientationFilter(admin.SimpleListFilter):
    title = "orientation"
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return [
            ("landscape", "Landscape"),
            ("portrait", "Portrait"),
            ("square", "Square"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "landscape":
                return queryset.landscape()
            case "portrait":
                return queryset.portrait()
            case "square":
                return queryset.square()
        return queryset


def thumbnail_html(image, size=80):
    """Return a small square <img> of the image, for admin lists and widgets."""
    renditions = image.rendition_set("thumbnail") if image.file else None
    if not renditions:
        return ""
    rendition = renditions.fallback_renditions[0]
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" class="image-thumbnail" '
        'loading="lazy">',
        rendition.url,
        size,
        size,
    )


@admin.register(Image)
class ImageAdmin(LibraryAdminMixin, admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "description",
        "credit",
        "dimensions",
        "uploaded_by",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail", "description"]
    list_filter = [
        "format",
        OrientationFilter,
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        "uploaded_at",
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 40
    search_fields = ["alt_text", "caption", "credit", "original_filename"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["focal_point_picker", "file_details"]

    class Media:
        css = {"all": ["admin-extra/images-admin.css"]}
        js = ["admin-extra/focal-point.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {"fields": ["file", "focal_point_picker", ("focal_x", "focal_y")]},
            ),
            (
                "Description",
                {"fields": ["alt_text", "caption", "credit", "source_url"]},
            ),
        ]
        if obj is not None:
            fieldsets.append(("File", {"fields": ["file_details"]}))
        return fieldsets

    @admin.display(description="Image")
    def thumbnail(self, image):
        return thumbnail_html(image)

    @admin.display(description="Alt text", ordering="alt_text")
    def description(self, image):
        return str(image)

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Focal point")
    def focal_point_picker(self, image):
        preview = image.rendition_set("body") if image.pk and image.file else None
        source = format_html(' src="{}"', preview.src.url) if preview else ""
        crops = format_html_join(
            "",
            '<figure class="focal-point__crop" data-ratio="{}/{}">'
            '<div class="focal-point__frame"><img{} alt=""></div>'
            "<figcaption>{}</figcaption></figure>",
            ((*USES[name].ratio, source, USES[name].label) for name in PREVIEWED_USES),
        )
        return format_html(
            '<div class="focal-point" data-focal-point{}>'
            '<div class="focal-point__stage" tabindex="0" role="group">'
            '<img class="focal-point__image"{} alt="" draggable="false">'
            '<span class="focal-point__marker" aria-hidden="true"></span></div>'
            '<p class="focal-point__empty">Choose a file above, then click the '
            "part of the picture that every crop must keep.</p>"
            '<div class="focal-point__crops">{}</div>'
            '<p class="help">Click the most important part of the picture (a face, '
            "the ball): every crop keeps it in view. The default is the centre.</p>"
            "</div>",
            "" if preview else " data-empty",
            source,
            crops,
        )

    @admin.display(description="File")
    def file_details(self, image):
        return format_html(
            "{} · {} × {} pixels · {} · uploaded as “{}” by {} on {} · "
            '<a href="{}">original file</a>',
            image.get_format_display(),
            image.width,
            image.height,
            filesizeformat(image.file_size),
            image.original_filename,
            image.uploaded_by or "someone",
            image.uploaded_at.strftime("%d %b %Y %H:%M"),
            image.file.url,
        )

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("<int:pk>/summary/", view(self.summary), name="images_image_summary"),
            *super().get_urls(),
        ]

    def picker_data(self, image):
        return self.summary_data(image)

    @staticmethod
    def summary_data(image):
        renditions = image.rendition_set("thumbnail")
        body = image.rendition_set("body")
        return {
            "id": image.pk,
            "label": str(image),
            "alt_text": image.alt_text,
            "caption": image.caption,
            "credit": image.credit,
            "thumbnail": renditions.fallback_renditions[0].url if renditions else "",
            "url": body.src.url if body else image.file.url,
            "change_url": reverse("admin:images_image_change", args=[image.pk]),
        }

    @method_decorator(never_cache)
    def summary(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        image = get_object_or_404(Image, pk=pk)
        return JsonResponse(self.summary_data(image))

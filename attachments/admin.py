from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from newsroom.libraries import LibraryAdminMixin

from .forms import AttachmentForm
from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(LibraryAdminMixin, admin.ModelAdmin):
    form = AttachmentForm
    list_display = ["title", "kind", "size", "link", "uploaded_by", "uploaded_at"]
    list_filter = [
        "kind",
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        "uploaded_at",
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    search_fields = ["title", "description", "credit", "original_filename"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["file_details"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["file", "title", "description", "credit"]})]
        if obj is not None:
            fieldsets.append(("File", {"fields": ["file_details"]}))
        return fieldsets

    def picker_data(self, attachment):
        return {
            "id": attachment.pk,
            "url": attachment.file.url,
            "title": attachment.title,
        }

    @admin.display(description="Size", ordering="file_size")
    def size(self, attachment):
        return filesizeformat(attachment.file_size)

    @admin.display(description="Address")
    def link(self, attachment):
        return format_html('<a href="{0}">{0}</a>', attachment.file.url)

    @admin.display(description="File")
    def file_details(self, attachment):
        return format_html(
            "{} · {} · uploaded as “{}” by {} on {} · readers get it at "
            '<a href="{}">{}</a>',
            attachment.get_kind_display(),
            filesizeformat(attachment.file_size),
            attachment.original_filename,
            attachment.uploaded_by or "someone",
            attachment.uploaded_at.strftime("%d %b %Y %H:%M"),
            attachment.file.url,
            attachment.file.url,
        )

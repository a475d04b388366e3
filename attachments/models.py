import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import Truncator, slugify

from newsroom.libraries import LibraryItem, delete_files_on_commit

from .uploads import AUDIO, DOCUMENT, VIDEO, accepted_extensions_label
from .usage import uses

# Sent when a save has replaced a library file's file (`attachment`; its
# former address: `former_url`), for the apps that link to files: their links
# should take readers to the new one (articles: articles/file_links.py).
file_replaced = Signal()


def file_path(instance, filename):
    """Return where a file is stored: by the month it was uploaded (in
    WordPress, for an imported one), with an unguessable suffix."""
    path = PurePosixPath(filename)
    stem = slugify(path.stem)[:60] or "file"
    extension = path.suffix.lower().lstrip(".") or "bin"
    month = instance.uploaded_at or timezone.now()
    return f"files/{month:%Y/%m}/{stem}-{secrets.token_hex(4)}.{extension}"


class AttachmentQuerySet(models.QuerySet):
    def formerly_at(self, path):
        """Return the files whose former address (a WordPress upload) is `path`."""
        return self.filter(former_urls__path=path)


class Attachment(LibraryItem):
    # Live and scheduled articles link to files (registered by articles).
    public_uses = uses

    class Kind(models.TextChoices):
        AUDIO = AUDIO, "Audio"
        VIDEO = VIDEO, "Video"
        DOCUMENT = DOCUMENT, "Document"

    file = models.FileField(
        upload_to=file_path,
        max_length=255,
        help_text=(
            f"Audio, video or PDF ({accepted_extensions_label()}). Readers "
            "download or play it from its address."
        ),
    )
    title = models.CharField(
        max_length=300,
        help_text="What the file is, as readers see it in the link to it.",
    )
    description = models.TextField(
        blank=True,
        max_length=1000,
        help_text="What it holds, for editors looking for it.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who made it and for whom, e.g. “BBC / Jane Doe”.",
    )
    kind = models.CharField(max_length=10, choices=Kind, editable=False)
    file_size = models.PositiveBigIntegerField("size", default=0, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "file"
        indexes = [
            models.Index(fields=["-uploaded_at"], name="attachment_uploaded_idx")
        ]
        permissions = [
            (
                "change_any_attachment",
                "Can change any library file, including ones readers see",
            )
        ]

    def __str__(self):
        return Truncator(self.title or self.original_filename).chars(80)

    def file_replaced(self, former_name):
        """The file was replaced: the former one is deleted on commit, its
        address (when this site serves media) redirects to the new one, and
        the apps linking to it are told (`file_replaced`)."""
        super().file_replaced(former_name)
        former_url = self.file.storage.url(former_name)
        if former_url.startswith(settings.MEDIA_URL) and former_url.startswith("/"):
            FormerFileURL.objects.update_or_create(
                path=former_url, defaults={"attachment": self}
            )
        file_replaced.send(sender=type(self), attachment=self, former_url=former_url)

    def attach(self, upload):
        """Use a CheckedUpload (see attachments.uploads) as this file."""
        self.file = upload.content
        self.kind = upload.kind
        self.file_size = upload.size
        self.original_filename = upload.original_name[:255]


class FormerFileURL(models.Model):
    """An address a file used to have (a WordPress upload); it redirects to
    the file."""

    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, related_name="former_urls"
    )
    path = models.CharField(max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "former file URL"

    def __str__(self):
        return self.path


def delete_file(sender, instance, **kwargs):
    """Delete a file from storage once its row is gone."""
    delete_files_on_commit({instance.file.name}, instance.file.storage)

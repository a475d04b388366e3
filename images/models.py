import secrets
from pathlib import PurePosixPath

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify

from newsroom.background import enqueue_on_commit
from newsroom.bulk import in_bulk_job
from newsroom.libraries import LibraryItem, delete_files_on_commit

from . import renditions
from .uploads import FORMATS
from .usage import uses


def original_path(instance, filename):
    """Return where an original is stored: by month, with an unguessable suffix."""
    path = PurePosixPath(filename)
    stem = slugify(path.stem)[:60] or "image"
    extension = path.suffix.lower().lstrip(".") or "bin"
    return (
        f"images/originals/{timezone.now():%Y/%m}/"
        f"{stem}-{secrets.token_hex(4)}.{extension}"
    )


class ImageQuerySet(models.QuerySet):
    def landscape(self):
        return self.filter(width__gt=models.F("height"))

    def portrait(self):
        return self.filter(width__lt=models.F("height"))

    def square(self):
        return self.filter(width=models.F("height"))


class Image(LibraryItem):
    # Live and scheduled articles show images (registered by articles).
    public_uses = uses

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"
        GIF = "GIF", "GIF"
        AVIF = "AVIF", "AVIF"

    file = models.FileField(
        upload_to=original_path,
        max_length=255,
        help_text=(
            "JPEG, PNG, WebP, GIF or AVIF. Location and camera data are removed "
            "when the file is stored."
        ),
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text=(
            "What the picture shows, for readers who cannot see it: one sentence, "
            "about 125 characters. Not the caption, not “Photo of”."
        ),
    )
    caption = models.TextField(
        blank=True,
        max_length=600,
        help_text="Shown under the image. Articles can give their own caption.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Who made the picture and for whom, e.g. “Reuters / Jane Doe”. "
            "Shown with the image wherever it is used."
        ),
    )
    source_url = models.URLField(
        "source URL",
        max_length=500,
        blank=True,
        help_text="Where the picture came from (agency page, licence), for editors.",
    )
    focal_x = models.FloatField(
        "focal point, across",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the left edge, 1 the right edge.",
    )
    focal_y = models.FloatField(
        "focal point, down",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the top edge, 1 the bottom edge.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    format = models.CharField(max_length=10, choices=Format, editable=False)
    file_size = models.PositiveIntegerField("file size", default=0, editable=False)
    # Generated renditions by use: {"lead": {"key": ..., "files": {...}}};
    # see images/renditions.py.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["-uploaded_at"], name="image_uploaded_idx")]
        permissions = [
            (
                "change_any_image",
                "Can change any library image, including ones readers see",
            )
        ]

    def __str__(self):
        return Truncator(self.alt_text or self.original_filename).chars(80)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A worker makes the renditions once the save is committed, so that
        # neither the editor nor a reader waits for them (images/tasks.py);
        # a page that meets one missing makes it (`rendition_set`). A bulk
        # job (an archive import) makes its pictures' at its end.
        from .tasks import generate_renditions

        if not in_bulk_job():
            enqueue_on_commit(generate_renditions, self.pk)

    def attach(self, upload):
        """Use a CleanUpload (see images.uploads) as this image's file."""
        self.file = upload.content
        self.width, self.height = upload.width, upload.height
        self.format = upload.format
        self.file_size = upload.content.size
        self.original_filename = upload.original_name[:255]
        if not self.credit and upload.suggested_credit:
            self.credit = upload.suggested_credit

    def media_type(self):
        return FORMATS.get(self.format, ("", "application/octet-stream"))[1]

    def orientation(self):
        if self.width > self.height:
            return "landscape"
        return "portrait" if self.width < self.height else "square"

    def stale_uses(self, names=None):
        """Return the uses whose recorded renditions are missing or outdated."""
        uses = [renditions.USES[name] for name in (names or renditions.USES)]
        return [use for use in uses if not self._is_current(use)]

    def _is_current(self, use):
        entry = self.renditions.get(use.name)
        return bool(entry) and entry.get("key") == renditions.rendition_key(
            self.file.name, self.focal_x, self.focal_y, use
        )

    def rendition_set(self, use_name):
        """Return the RenditionSet of a use, generating it if it is missing."""
        use = renditions.USES[use_name]
        if not self._is_current(use):
            self.generate_renditions([use_name])
        entry = self.renditions.get(use_name)
        if not entry:
            return None
        return renditions.RenditionSet(use, entry, self.file.storage)

    def generate_renditions(self, names=None, *, force=False):
        """Make the renditions that are missing or outdated (all, with force)."""
        uses = (
            [renditions.USES[name] for name in (names or renditions.USES)]
            if force
            else self.stale_uses(names)
        )
        if not uses or not self.file:
            return []
        entries = renditions.generate(
            self.file.name, self.file.storage, self.focal_x, self.focal_y, uses
        )
        with transaction.atomic():
            current = (
                Image.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("renditions", flat=True)
                .first()
            )
            if current is None:  # Deleted meanwhile.
                _delete_files_on_commit(
                    set().union(*(renditions.file_names(e) for e in entries.values()))
                )
                return []
            obsolete = set()
            for name, entry in entries.items():
                if name in current:
                    obsolete |= renditions.file_names(
                        current[name]
                    ) - renditions.file_names(entry)
            merged = {**current, **entries}
            Image.objects.filter(pk=self.pk).update(renditions=merged)
            _delete_files_on_commit(obsolete)
        self.renditions = merged
        return [use.name for use in uses]

    def all_file_names(self):
        """Return the names of the original and of every recorded rendition."""
        names = {self.file.name} if self.file else set()
        for entry in self.renditions.values():
            names |= renditions.file_names(entry)
        return names


def _delete_files_on_commit(names, storage=None):
    delete_files_on_commit(names, storage or Image._meta.get_field("file").storage)


def delete_files(sender, instance, **kwargs):
    """Delete an image's original and renditions once its row is gone."""
    _delete_files_on_commit(instance.all_file_names(), instance.file.storage)

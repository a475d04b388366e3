"""What came from which WordPress site: the rows an import made, by their
WordPress ids, so that importing again updates them instead of adding more."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Site(models.Model):
    """A WordPress site imported from, named by its address without scheme."""

    address = models.CharField(max_length=300, unique=True)
    title = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "WordPress site"

    def __str__(self):
        return self.title or self.address


class ImportedItem(models.Model):
    """An item of an export (by its WordPress id) and what it became."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    wp_id = models.PositiveBigIntegerField("WordPress id")
    # A hash of everything the row was made from: unchanged, not saved again.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["site", "wp_id"], name="unique_%(class)s_per_site"
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.wp_id} of {self.site}"


class ImportedPost(ImportedItem):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="wordpress_post"
    )


class ImportedImage(ImportedItem):
    image = models.ForeignKey(
        "images.Image", on_delete=models.CASCADE, related_name="wordpress_attachments"
    )
    file_sha256 = models.CharField(max_length=64)


class ImportedFile(ImportedItem):
    """An attachment that is not a picture (audio, video, PDF) and the
    library file it became."""

    attachment = models.ForeignKey(
        "attachments.Attachment",
        on_delete=models.CASCADE,
        related_name="wordpress_attachments",
    )
    file_sha256 = models.CharField(max_length=64)


class ImportedName(models.Model):
    """A person or category of an export (by its WordPress login or slug) and
    the row it became."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    wp_name = models.CharField("WordPress login or slug", max_length=200)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["site", "wp_name"], name="unique_%(class)s_per_site"
            )
        ]

    def __str__(self):
        return f"{self.wp_name} of {self.site}"


class ImportedAuthor(ImportedName):
    author = models.ForeignKey(
        "articles.Author", on_delete=models.CASCADE, related_name="wordpress_logins"
    )


class ImportedSection(ImportedName):
    section = models.ForeignKey(
        "sections.Section",
        on_delete=models.CASCADE,
        related_name="wordpress_categories",
    )


def _upload_to(instance, filename):
    return f"wordpress-imports/{timezone.now():%Y/%m}/{filename}"


class ImportRun(models.Model):
    """An import started from the admin: its files, progress and report.

    The import runs as a task (wordpress/tasks.py) after the upload is saved.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    export = models.FileField(
        "WordPress export",
        upload_to=_upload_to,
        max_length=255,
        help_text="The .xml file from WordPress: Tools → Export → All content.",
    )
    uploads = models.FileField(
        "uploads (zip)",
        upload_to=_upload_to,
        max_length=255,
        blank=True,
        help_text=(
            "Optional: a zip of the site's wp-content/uploads folder, for the "
            "pictures. Removed once the import has run."
        ),
    )
    dry_run = models.BooleanField(
        "dry run",
        default=False,
        help_text="Read and check everything and show the report; write nothing.",
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.WAITING, editable=False
    )
    report = models.JSONField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("started", auto_now_add=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "WordPress import"

    def __str__(self):
        name = self.export.name.rsplit("/", 1)[-1] if self.export else "export"
        return f"{name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else name

    def progress_key(self):
        return f"wordpress:import:{self.pk}:progress"

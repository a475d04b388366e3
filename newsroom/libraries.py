"""What the media libraries (images/, attachments/) share: who may change
an item, as asked of the apps that show items to readers; the admin rule
that follows from it; the size limit of an upload; and the deletion of a
file its item no longer uses."""

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone


class PublicUses:
    """Checks, registered by the apps that show a library's items to
    readers, of whether readers see an item (or will, at a scheduled time).
    The library asks them without importing those apps."""

    def __init__(self):
        self._checks = []

    def register(self, check):
        """Register `check(item) -> bool`: True if readers see the item (or
        will, at a scheduled time) through the registering app."""
        if check not in self._checks:
            self._checks.append(check)
        return check

    def is_seen_by_readers(self, item):
        return any(check(item) for check in self._checks)

    def may_be_changed_by(self, item, user):
        """Return True if `user` may replace the item's file or description.

        Changing an item that readers see (or will see at a scheduled time)
        is an editor's decision (`change_any_<model>`); anyone else may
        change only items they uploaded themselves that readers do not see
        yet.
        """
        opts = item._meta
        if user.has_perm(f"{opts.app_label}.change_any_{opts.model_name}"):
            return True
        change = get_permission_codename("change", opts)
        if not user.has_perm(f"{opts.app_label}.{change}"):
            return False
        own = item.uploaded_by_id is not None and item.uploaded_by_id == user.pk
        return own and not self.is_seen_by_readers(item)


class LibraryAdminMixin:
    """A library's admin: who uploaded an item is recorded, and who may
    change it is the model's `may_be_changed_by`."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


def check_upload_size(name, size, limit, *, items):
    """Raise ValidationError if an upload of `size` bytes is over `limit`
    (`items` names what the library holds, for the message)."""
    if size > limit:
        raise ValidationError(
            "“%(name)s” is %(size)s; %(items)s may be at most %(limit)s.",
            code="file_size",
            params={
                "name": name,
                "size": filesizeformat(size),
                "items": items,
                "limit": filesizeformat(limit),
            },
        )


def delete_files_on_commit(names, storage):
    """Delete these stored files once the transaction commits (at once
    outside one): a row that stops using a file must be safely recorded
    first."""
    names = {name for name in names if name}

    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


class ReplacedFileDeleted:
    """A library model's mixin: a save that replaces the item's `file`
    deletes the file it had, once the save commits (`file_replaced`)."""

    def save(self, *args, **kwargs):
        manager = type(self)._default_manager
        saved_file = (
            manager.filter(pk=self.pk).values_list("file", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if saved_file and saved_file != self.file.name:
            self.file_replaced(saved_file)

    def file_replaced(self, former_name):
        """Called when a save has replaced the item's file, which was stored
        as `former_name`: delete it once the save commits."""
        delete_files_on_commit({former_name}, self.file.storage)


class LibraryItem(ReplacedFileDeleted, models.Model):
    """What an item of a library records of its upload: who, when, and the
    file's name on the uploader's computer."""

    original_filename = models.CharField(
        "uploaded as", max_length=255, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("uploaded", default=timezone.now, editable=False)

    class Meta:
        abstract = True

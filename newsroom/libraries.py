"""What the media libraries (images/, attachments/) share: who may change
an item, as asked of the apps that show items to readers; the admin rule
that follows from it, and the picker window of the body editor; the size
limit of an upload; and the deletion of a file its item no longer uses."""

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


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
    change it is the model's `may_be_changed_by`.

    It also offers the library to the body editor as a picker: a window
    (`choose/`, named `<app>_<model>_choose`) that searches the library like
    its list does and hands the chosen item's `picker_data` back to the
    editor (static/admin-extra/library-picker.js), with a link to upload a
    new item that comes back to it chosen.
    """

    picker_page_size = 24

    def picker_data(self, item):
        """Return what the editor is handed for `item`: at least its `id`
        and `url`."""
        raise NotImplementedError

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "choose/",
                self.admin_site.admin_view(self.choose),
                name=f"{opts.app_label}_{opts.model_name}_choose",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def choose(self, request):
        """The library in a window of the body editor: pick to insert."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:200]
        items, _ = self.get_search_results(
            request, self.model._default_manager.all(), query
        )
        page = Paginator(items, self.picker_page_size).get_page(request.GET.get("p"))
        callback = request.GET.get("CKEditorFuncNum", "")
        chosen = request.GET.get("chosen", "")
        chosen_item = (
            self.model._default_manager.filter(pk=chosen).first()
            if chosen.isdigit()
            else None
        )
        opts = self.opts
        return TemplateResponse(
            request,
            f"admin/{opts.app_label}/{opts.model_name}/choose.html",
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "title": f"Choose {'an' if opts.verbose_name[0] in 'aeiou' else 'a'} "
                f"{opts.verbose_name}",
                "is_popup": True,
                "page_obj": page,
                "items": [(item, self.picker_data(item)) for item in page],
                "query": query,
                "callback": callback if _is_callback(callback) else "",
                "chosen": self.picker_data(chosen_item) if chosen_item else None,
                "can_add": self.has_add_permission(request),
                "media": self.media,
            },
        )

    def get_deleted_objects(self, objs, request):
        """An item readers see (or will) is not deleted: the delete page
        lists it as protected, naming what to do first."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for item in objs:
            if item.is_seen_by_readers():
                protected.append(
                    f"“{item}”: live or scheduled articles show it to readers. "
                    "Take it out of them first, or replace its file."
                )
        return deleted, counts, perms_needed, protected

    def response_add(self, request, obj, post_url_continue=None):
        # Uploaded from the body editor's picker: back to it, the item chosen.
        picker = request.GET.get("_picker", "")
        if _is_callback(picker) and "_continue" not in request.POST:
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_choose")
            return redirect(f"{url}?CKEditorFuncNum={picker}&chosen={obj.pk}")
        return super().response_add(request, obj, post_url_continue)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_changed_by(request.user))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


def _is_callback(value):
    """True for the number the editor gave its picker window (CKEditorFuncNum)."""
    return value.lstrip("-").isdigit()


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
    file's name on the uploader's computer; and what follows from readers
    seeing it, as the library's `public_uses` (a PublicUses) answer."""

    public_uses = None  # each library's PublicUses

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

    def is_seen_by_readers(self):
        """Return True if readers see the item (or will, at a scheduled time)."""
        return self.public_uses.is_seen_by_readers(self)

    def may_be_changed_by(self, user):
        """Return True if `user` may replace the item's file or description
        (PublicUses.may_be_changed_by)."""
        return self.public_uses.may_be_changed_by(self, user)

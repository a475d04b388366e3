"""Receivers that keep caches honest when editorial content changes."""

from taggit.models import Tag

from django.dispatch import Signal

from newsroom.pagecache import bump_content_version

from .models import Author

# Sent once after a tag or an author is deleted, with `article_ids`: the
# articles that showed it. Its taggings or bylines went with it, and their
# own receivers skip such deletions (see `deleted_with`).
removed_from_articles = Signal()


def article_changed(sender, instance, **kwargs):
    if instance.concerns_readers():
        bump_content_version()


def content_changed(sender, origin=None, **kwargs):
    if sender not in (Tag, Author) and (
        deleted_with(origin, Tag) or deleted_with(origin, Author)
    ):
        return  # the tag's or author's own deletion moves the version, once
    bump_content_version()


def deleted_with(origin, model):
    """Return True if a delete signal's row goes because a `model` row, or a
    queryset of them, is deleted (the `origin` of Django's delete signals).

    Receivers then handle that tag or author once, after it is gone, rather
    than each of its possibly thousands of taggings or bylines.
    """
    return isinstance(origin, model) or getattr(origin, "model", None) is model

"""Receivers that keep caches honest when editorial content changes."""

from taggit.models import Tag

from newsroom.pagecache import bump_content_version

from .tagging import deleted_with_its_tag


def article_changed(sender, instance, **kwargs):
    if instance.concerns_readers():
        bump_content_version()


def content_changed(sender, origin=None, **kwargs):
    if deleted_with_its_tag(origin) and sender is not Tag:
        return  # the tag's own deletion moves the version, once
    bump_content_version()

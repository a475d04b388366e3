"""Receivers that keep caches honest when editorial content changes."""

from newsroom.pagecache import bump_content_version


def article_changed(sender, instance, **kwargs):
    if instance.concerns_readers():
        bump_content_version()


def content_changed(sender, **kwargs):
    bump_content_version()

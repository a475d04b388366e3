"""Receivers that set a new content version when what readers see changes.

Connected in reading.apps, with the display data's receivers
(reading/display.py), which also moves the content version when a related
list that pages showed changes. The apps below announce their changes
(model signals, the articles' domain events of articles/events.py) and never
import this app.
"""

from taggit.models import Tag, TaggedItem

from django.db.models.signals import post_delete, post_save

from articles import events
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    may_become_visible,
)
from articles.signals import deleted_with
from images.models import Image
from related.models import CuratedLink
from sections.models import Section

from .pagecache import bump_content_version


def article_changed(sender, article, **kwargs):
    # Published, changed while published, or unpublished: readers see it.
    bump_content_version()


def article_deleted(sender, article, **kwargs):
    if may_become_visible(article):  # live or scheduled: on cached pages
        bump_content_version()


def content_changed(sender, origin=None, **kwargs):
    if sender not in (Tag, Author) and (
        deleted_with(origin, Tag) or deleted_with(origin, Author)
    ):
        return  # the tag's or author's own deletion moves the version, once
    bump_content_version()


RECEIVERS = [
    (events.published, article_changed, Article),
    (events.changed, article_changed, Article),
    (events.unpublished, article_changed, Article),
    (events.deleted, article_deleted, Article),
    *(
        (signal, receiver, model)
        for signal in (post_save, post_delete)
        for receiver, model in [
            (content_changed, ArticleAuthor),
            (content_changed, Author),
            (content_changed, Correction),
            (content_changed, TaggedItem),
            (content_changed, Tag),
            # Alt text, caption, credit or focal point of a shown image.
            (content_changed, Image),
            # Section names and menus appear on every page.
            (content_changed, Section),
            (content_changed, CuratedLink),
        ]
    ),
]

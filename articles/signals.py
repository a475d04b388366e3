"""Signals about rows shown on many articles (tags, authors), for other apps."""

from django.dispatch import Signal

# Sent once after a tag or an author is deleted, with `article_ids`: the
# articles that showed it. Its taggings or bylines went with it, and their
# own receivers skip such deletions (see `deleted_with`).
removed_from_articles = Signal()


def deleted_with(origin, model):
    """Return True if a delete signal's row goes because a `model` row, or a
    queryset of them, is deleted (the `origin` of Django's delete signals).

    Receivers then handle that tag or author once, after it is gone, rather
    than each of its possibly thousands of taggings or bylines.
    """
    return isinstance(origin, model) or getattr(origin, "model", None) is model

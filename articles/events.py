"""Domain events: what happened to an article, for the apps that keep copies.

`articles` does its own job (the article's row, its revision, its former
URLs) and announces what readers may notice; `related`, `reading` and others
listen and keep their derived data in step. Each event is a Django signal
sent with `sender=Article` and its payload as keyword arguments, never as
attributes left on the instance.

published    article, fields   an article becomes published: live now, or
                               scheduled (`article.is_live()` tells which)
changed      article, fields   a published article is saved again
unpublished  article, fields   a published article leaves the site
deleted      article           an article is about to be deleted: sent in the
                               deleting transaction, before its row (and the
                               rows that refer to it) go, so that receivers
                               can still find what refers to it

`fields` is the set of the article's own field names whose value the save
changed (every concrete field for a new article). Drafts and articles in
review concern no reader and send nothing. Receivers run inside the saving
transaction: they write their own rows or enqueue a task on commit
(newsroom.background.enqueue_on_commit), never slow work.
"""

from django.dispatch import Signal

published = Signal()
changed = Signal()
unpublished = Signal()
deleted = Signal()


def changed_fields(before, after):
    """Return the names of the concrete fields whose values differ."""
    fields = after._meta.concrete_fields
    if before is None:
        return frozenset(field.attname for field in fields)
    return frozenset(
        field.attname
        for field in fields
        if getattr(before, field.attname) != getattr(after, field.attname)
    )


def announce_save(article, before):
    """Send the event that a save of `article` (was `before`) means, if any."""
    published_status = type(article).Status.PUBLISHED
    was_published = before is not None and before.status == published_status
    is_published = article.status == published_status
    if not (was_published or is_published):
        return
    fields = changed_fields(before, article)
    if is_published and not was_published:
        event = published
    elif was_published and not is_published:
        event = unpublished
    else:
        event = changed
    event.send(sender=type(article), article=article, fields=fields)


def announce_deletion(sender, instance, **kwargs):
    """Send `deleted` for an article about to be deleted (a pre_delete receiver)."""
    deleted.send(sender=sender, article=instance)

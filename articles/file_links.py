"""Links from article bodies to library files follow a replaced file.

A body links to a library file by the file's address (the editor copies it
from the file library). Replacing the file stores the new one under a new
name (names change with content, so caches may keep media for a year) and
deletes the old one; the file library then sends `file_replaced`, and a task
rewrites the links of every article that had the old address (drafts too),
one save each, kept as a revision: "Links to the replaced file … updated.".

The task runs after the replacement commits. Until it has, the old address
answers with a 301 to the new file where this site serves media
(attachments.models.FormerFileURL).
"""

import reversion

from django.db import transaction

from attachments.models import Attachment
from newsroom.background import enqueue_on_commit, retried_task

from .html import link_end
from .models import Article


def file_replaced(sender, attachment, former_url, **kwargs):
    """Receiver of attachments' `file_replaced`: relink once it commits."""
    enqueue_on_commit(relink_replaced_file, attachment.pk, former_url)


def relinked(body, former_url, url):
    """Return `body` with its links to `former_url` (also as the end of a
    full address, https://host/media/…) going to `url`."""
    return body.replace(link_end(former_url), link_end(url))


@retried_task()
def relink_replaced_file(attachment_id, former_url):
    """Point the articles linking to a replaced file's former address at its
    current one. Idempotent: an article already relinked no longer links to
    the former address. Return how many articles were changed."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.file.url == former_url:
        return 0
    url = attachment.file.url
    changed = 0
    article_ids = Article.objects.linking_to(former_url).values_list("pk", flat=True)
    for article_id in list(article_ids):
        # Locked, like an editor's save: a save in between is refused as
        # stale and merged (articles/merging.py), never overwritten.
        with transaction.atomic(), reversion.create_revision():
            article = Article.objects.select_for_update().get(pk=article_id)
            body = relinked(article.body, former_url, url)
            if body == article.body:
                continue
            article.body = body
            article.save()
            reversion.set_comment(f"Links to the replaced file “{attachment}” updated.")
        changed += 1
    return changed

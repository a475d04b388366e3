"""Who has an article open in the admin, and who is changing it: kept in the
shared cache for a few minutes.

Only people who may change the article count: someone who can only read it
is not about to overwrite anything. Someone who opened the form is "open";
once they change something in it (the edit page's heartbeat says so) they
are "editing" until they save or leave.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 5 * 60


def _key(article_id):
    return f"article-editors:{article_id}"


def note(article_id, user, *, present=True, editing=False):
    """Note that the user has the article open now (when `present`), changing
    it when `editing`; return the others, newest first, as dicts with name,
    minutes (since last seen) and editing."""
    now = time.time()
    try:
        people = {
            user_id: entry
            for user_id, entry in (cache.get(_key(article_id)) or {}).items()
            if now - entry["at"] < WINDOW_SECONDS
        }
        if present:
            name = user.get_full_name() or user.username
            people[user.pk] = {"name": name, "at": now, "editing": editing}
            cache.set(_key(article_id), people, WINDOW_SECONDS)
    except Exception as error:
        # Advisory only: a cache (Redis) outage must not stop editors from
        # opening and saving articles.
        logger.warning("Could not note who has article %s open: %r", article_id, error)
        return []
    others = [
        {
            "name": entry["name"],
            "minutes": int((now - entry["at"]) // 60),
            "editing": entry.get("editing", False),
        }
        for user_id, entry in people.items()
        if user_id != user.pk
    ]
    return sorted(others, key=lambda entry: entry["minutes"])

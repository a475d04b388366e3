"""Who has an article open in the admin: kept in the cache for a few minutes."""

import time

from django.core.cache import cache

WINDOW_SECONDS = 5 * 60


def _key(article_id):
    return f"article-editors:{article_id}"


def mark_editing(article_id, user):
    """Note that the user has the article open now; return the others, newest first."""
    now = time.time()
    editors = {
        user_id: entry
        for user_id, entry in (cache.get(_key(article_id)) or {}).items()
        if now - entry["at"] < WINDOW_SECONDS
    }
    editors[user.pk] = {"name": user.get_full_name() or user.username, "at": now}
    cache.set(_key(article_id), editors, WINDOW_SECONDS)
    others = [
        {"name": entry["name"], "minutes": int((now - entry["at"]) // 60)}
        for user_id, entry in editors.items()
        if user_id != user.pk
    ]
    return sorted(others, key=lambda entry: entry["minutes"])

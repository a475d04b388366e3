"""Addresses of pages, reversed once per process.

Django's `reverse()` walks the URL resolver on every call, and an article page
asks for about twenty addresses: its own, its section's, the byline's, the
tags', the related and popular articles', the header's. The address of a URL
name with the same arguments does not change while the URLconf and the script
prefix stay the same, so `reverse_cached()` remembers it under all of them.
Tests that swap `ROOT_URLCONF` clear the memo (as Django clears its own
resolver caches).

It is URL wiring, not a reader's feature, so it lives with the project's
URLconf: models' `get_absolute_url()` in every app use it, and apps below
`reading` may not import `reading`. Templates use `{% link %}` (the `links`
library, reading/templatetags/links.py), which calls it.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# About 8 MB per process at most: addresses of recently shown articles.
MEMO_SIZE = 32_768


def reverse_cached(viewname, *args, **kwargs):
    """Return `reverse(viewname, args=args, kwargs=kwargs)`, memoized."""
    return _reverse(
        get_urlconf(), get_script_prefix(), viewname, args, tuple(kwargs.items())
    )


@lru_cache(maxsize=MEMO_SIZE)
def _reverse(urlconf, script_prefix, viewname, args, kwargs):
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs))


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()

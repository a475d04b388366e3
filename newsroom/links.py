"""Addresses of pages, reversed once per process.

Django's `reverse()` walks the URL resolver on every call, and an article page
asks for about twenty addresses: its own, its section's, the byline's, the
tags', the related and popular articles', the header's. The address of a URL
name with the same arguments does not change while the URLconf and the script
prefix stay the same, so `reverse_cached()` remembers it under all of them.
Tests that swap `ROOT_URLCONF` clear the memo (as Django clears its own
resolver caches).

Templates use `{% link "name" arg ... %}` (this module is the template library
`links`) where they would use `{% url %}` on public pages.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

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


@register.simple_tag
def link(viewname, *args, **kwargs):
    """Like `{% url %}` without `as`: `{% link "articles:tag" tag.slug %}`."""
    return reverse_cached(viewname, *args, **kwargs)


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()

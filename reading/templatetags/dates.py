"""Template filters for the times pages show: `{% load dates %}`.

Django's `date` filter costs about as much as twenty variable lookups (it
looks up the language, the format and the month names on every call), and an
article page with its Related posts shows fifteen times. These give the same
text for the two kinds of time the public pages show:

- `{{ when|isotime }}`, for `<time datetime>` and meta tags: what
  `date:"c"` gives, the local time in ISO 8601.
- `{{ when|day:"j F Y" }}`, for a day shown to readers: what `date` gives for
  a format of the day alone (no hours), remembered per day, format and
  language.
"""

from datetime import date, datetime
from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True)
def isotime(value):
    """Return the local time in ISO 8601, as `date:"c"` does."""
    return value.isoformat() if isinstance(value, datetime) else ""


@register.filter(expects_localtime=True)
def day(value, format_string):
    """Return the local day of `value` formatted as `date:format_string` does.

    Only for formats of the day (day, month, year, weekday): the time is
    dropped before formatting.
    """
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return ""
    return _format_day(value, format_string, get_language())


@lru_cache(maxsize=4096)
def _format_day(value, format_string, language):
    return date_format(value, format_string)

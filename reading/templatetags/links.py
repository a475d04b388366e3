"""`{% link %}`: the `{% url %}` of public pages, reversed once per process.

Templates use `{% link "name" arg ... %}` where they would use `{% url %}`;
the address is memoized by `newsroom.links.reverse_cached()`.
"""

from django import template

from newsroom.links import reverse_cached

register = template.Library()


@register.simple_tag
def link(viewname, *args, **kwargs):
    """Like `{% url %}` without `as`: `{% link "articles:tag" tag.slug %}`."""
    return reverse_cached(viewname, *args, **kwargs)

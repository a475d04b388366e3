from django import template
from django.template.loader import render_to_string

from newsroom.pagecache import per_content_version

register = template.Library()


@register.simple_tag(takes_context=True)
def site_navigation(context, place, current_section_slug=""):
    """Render the section menu of the header or the footer.

    Usage: {% site_navigation "header" current_section_slug %}, with the links
    of `sections.context_processors.navigation`. The same on every page of a
    section until an editor changes the sections, so each variant is rendered
    once per content version in each process.
    """
    return per_content_version(
        "navigation-html",
        lambda: render_to_string(
            "includes/site_navigation.html",
            {
                "place": place,
                "sections": context["navigation_sections"],
                "current_section_slug": current_section_slug,
            },
        ),
        place,
        current_section_slug,
        request=context.get("request"),
    )

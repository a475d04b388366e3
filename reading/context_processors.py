from dataclasses import dataclass

from sections.models import Section

from .pagecache import per_content_version


@dataclass(frozen=True)
class NavigationLink:
    name: str
    slug: str
    url: str


def navigation_links():
    """Return the section menu's links, in menu order."""
    return [
        NavigationLink(section.name, section.slug, section.get_absolute_url())
        for section in Section.objects.in_navigation()
    ]


def navigation(request):
    """Put the section menu's links in every template context.

    `{% site_navigation %}` (reading_tags) renders them."""
    links = per_content_version("navigation", navigation_links, request=request)
    return {"navigation_sections": links}

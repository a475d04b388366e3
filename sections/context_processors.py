from .models import Section


def navigation(request):
    """Put the header's section links in every template context."""
    return {"navigation_sections": Section.objects.in_navigation()}

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from articles.models import Article
from articles.pagination import paginate

from .models import Section

LATEST_COUNT = 8
PER_SECTION_COUNT = 4


def front_page(request):
    live = Article.objects.live().for_teasers().newest_first()
    lead = live.filter(featured=True).first() or live.first()
    latest = list(live.exclude(pk=getattr(lead, "pk", None))[:LATEST_COUNT])
    return TemplateResponse(
        request,
        "sections/front_page.html",
        {"lead": lead, "latest": latest, "section_blocks": section_blocks(lead)},
    )


def section_blocks(lead):
    """Return (section, newest articles) for each navigation section, in menu order."""
    sections = list(Section.objects.all())
    top_level = {
        s.pk: s for s in sections if s.parent_id is None and s.show_in_navigation
    }
    parents = {s.pk: s.parent_id for s in sections}

    def top_of(section_id):
        while parents.get(section_id):
            section_id = parents[section_id]
        return section_id

    blocks = {pk: [] for pk in top_level}
    articles = (
        Article.objects.live()
        .exclude(pk=getattr(lead, "pk", None))
        .latest_per_section(PER_SECTION_COUNT)
        .for_teasers()
        .newest_first()
    )
    for article in articles:
        block = blocks.get(top_of(article.section_id))
        if block is not None and len(block) < PER_SECTION_COUNT:
            block.append(article)
    ordered = sorted(top_level.values(), key=lambda s: (s.nav_order, s.name))
    return [(section, blocks[section.pk]) for section in ordered if blocks[section.pk]]


def section_detail(request, slug):
    section = get_object_or_404(Section.objects.select_related("parent"), slug=slug)
    articles = Article.objects.live().in_section(section).for_teasers().newest_first()
    return TemplateResponse(
        request,
        "sections/section_detail.html",
        {
            "section": section,
            "current_section_slug": section.navigation_slug(),
            "subsections": section.children.all(),
            "page_obj": paginate(request, articles),
        },
    )

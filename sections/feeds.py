"""RSS 2.0 and Atom feeds of a section's live articles, subsections included."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from articles.feeds import ArticleFeed, MultiAuthorAtomFeed, newest_for_feed
from articles.models import Article

from .models import Section


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{section.name} · {settings.NEWSROOM_SITE_NAME}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"The newest articles in {section.name}."

    def items(self, section):
        return newest_for_feed(Article.objects.live().in_section(section))


class SectionAtomFeed(SectionFeed):
    feed_type = MultiAuthorAtomFeed

"""RSS 2.0 and Atom feeds of live articles: the whole site, a tag, an author.

Section feeds live in sections/feeds.py. The URLs are wired in newsroom/urls.py.
"""

from taggit.models import Tag

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from newsroom.links import reverse_cached

from .models import Article, Author

FEED_LENGTH = 30
DUBLIN_CORE_NS = "http://purl.org/dc/elements/1.1/"


class MultiAuthorRssFeed(Rss201rev2Feed):
    """RSS 2.0 with one dc:creator per author, in byline order."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["author_names"]:
            handler.addQuickElement("dc:creator", name)


class MultiAuthorAtomFeed(Atom1Feed):
    """Atom with one author element per author, in byline order."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["author_names"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


def newest_for_feed(articles):
    """Return the newest articles of a live() queryset with what an entry shows."""
    return articles.for_listing().prefetch_related("tags").newest_first()[:FEED_LENGTH]


class ArticleFeed(Feed):
    """What every article feed shares: one entry per article, RSS by default.

    Subclasses set title, link, description and items(), and get_object()
    when the feed is about one thing.
    """

    feed_type = MultiAuthorRssFeed
    # The guid is the short URL, which stays the same when the article moves.
    item_guid_is_permalink = True

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # item_guid() only sees the item, so the short URL becomes absolute here,
        # the same way Django makes item links absolute.
        domain = get_current_site(request).domain
        for item in feed.items:
            item["unique_id"] = add_domain(
                domain, item["unique_id"], request.is_secure()
            )
            item["enclosures"] = [
                Enclosure(
                    add_domain(domain, enclosure.url, request.is_secure()),
                    enclosure.length,
                    enclosure.mime_type,
                )
                for enclosure in item["enclosures"] or []
            ]
        return feed

    def author_name(self):
        # Atom wants an author for every entry; the publication stands in for
        # articles without a byline. RSS ignores a feed-level author.
        return settings.NEWSROOM_SITE_NAME

    def subtitle(self, obj):
        # Atom calls the description a subtitle; RSS ignores this.
        return self._get_dynamic_attr("description", obj)

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        if settings.NEWSROOM_FEED_FULL_TEXT and article.public_body():
            # Sanitized with the allow-list on every save.
            return article.public_body()
        return article.standfirst

    def item_guid(self, article):
        return article.get_short_url()

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        tags = sorted((tag.name for tag in article.tags.all()), key=str.casefold)
        return [article.section.name, *tags]

    def item_extra_kwargs(self, article):
        # Not item_author_name(): Django writes a single author, and articles
        # can have several. The feed types above write one element each.
        return {"author_names": [author.name for author in article.byline_authors()]}

    def item_enclosures(self, article):
        # The lead image, as a 1280-wide JPEG: RSS allows one enclosure.
        image = article.lead_image
        renditions = image.rendition_set("lead") if image else None
        if not renditions:
            return []
        fitting = [r for r in renditions.fallback_renditions if r.width <= 1280]
        rendition = fitting[-1] if fitting else renditions.fallback_renditions[0]
        return [Enclosure(rendition.url, str(rendition.size), rendition.media_type)]


class LatestArticlesFeed(ArticleFeed):
    def title(self):
        return settings.NEWSROOM_SITE_NAME

    def link(self):
        return reverse_cached("sections:front")

    def description(self):
        return f"The newest articles from {settings.NEWSROOM_SITE_NAME}."

    def items(self):
        return newest_for_feed(Article.objects.live())


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = MultiAuthorAtomFeed


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.live().tagged(tag).exists():
            # A tag used only on unpublished articles does not exist for readers.
            raise Http404("No live articles with this tag.")
        return tag

    def title(self, tag):
        return f"{tag.name} · {settings.NEWSROOM_SITE_NAME}"

    def link(self, tag):
        return reverse_cached("articles:tag", slug=tag.slug)

    def description(self, tag):
        return f"The newest articles about {tag.name}."

    def items(self, tag):
        return newest_for_feed(Article.objects.live().tagged(tag))


class TagAtomFeed(TagFeed):
    feed_type = MultiAuthorAtomFeed


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} · {settings.NEWSROOM_SITE_NAME}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The newest articles by {author.name}."

    def items(self, author):
        return newest_for_feed(Article.objects.live().by_author(author))


class AuthorAtomFeed(AuthorFeed):
    feed_type = MultiAuthorAtomFeed

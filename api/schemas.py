"""The shapes the API returns. URLs are absolute, built from the request."""

from datetime import datetime

from ninja import Field, Schema

from articles.models import Article
from newsroom.links import reverse_cached


def _absolute(context, path):
    return context["request"].build_absolute_uri(path)


class Error(Schema):
    detail: str = Field(examples=["Not Found"])


class InvalidInput(Schema):
    detail: list[dict] = Field(
        description="One entry per invalid parameter: `loc`, `msg` and `type`."
    )


class PageRef(Schema):
    """Something readers have a page for: its slug, name and absolute URL."""

    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, obj.get_absolute_url())


class SectionRef(PageRef):
    pass


class AuthorRef(PageRef):
    pass


class TagRef(Schema):
    slug: str
    name: str


class ArticleSummary(Schema):
    id: int
    url: str = Field(description="The canonical address of the article page.")
    short_url: str = Field(description="A stable address that redirects to `url`.")
    headline: str
    slug: str
    kind: Article.Kind
    standfirst: str
    section: SectionRef
    authors: list[AuthorRef] = Field(description="The byline, in the editor's order.")
    tags: list[TagRef]
    published: datetime = Field(description="When the article went live.")
    modified: datetime = Field(description="When the article was last changed.")

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_short_url(obj, context):
        return _absolute(context, obj.get_short_url())

    @staticmethod
    def resolve_authors(obj):
        return obj.byline_authors()

    @staticmethod
    def resolve_tags(obj):
        return sorted(obj.tags.all(), key=lambda tag: tag.name.casefold())

    @staticmethod
    def resolve_published(obj):
        return obj.publish_at

    @staticmethod
    def resolve_modified(obj):
        return obj.updated_at


class ArticleDetail(ArticleSummary):
    body: str = Field(
        description=(
            "The article text as sanitized HTML; empty when readers need a "
            "password to read it (`password_protected`)."
        )
    )
    password_protected: bool = Field(
        description="True if readers must give a password on the article's page."
    )

    @staticmethod
    def resolve_body(obj):
        return obj.public_body()

    @staticmethod
    def resolve_password_protected(obj):
        return obj.asks_for_password()


class SectionOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(description="The slug of the parent section, if any.")
    url: str

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, obj.get_absolute_url())


class TagOut(Schema):
    slug: str
    name: str
    article_count: int = Field(description="Number of live articles with this tag.")
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, reverse_cached("articles:tag", slug=obj.slug))


class AuthorOut(PageRef):
    bio: str

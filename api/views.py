"""The read-only public API, /api/v1/: live articles, sections, tags, authors.

Every article comes from `Article.objects.live()`; anything else is a 404.
"""

from urllib.parse import urlsplit

from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import paginate
from taggit.models import Tag

from django.conf import settings
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page, require_safe

from articles.models import Article, Author
from sections.models import Section

from .filters import ArticleFilters, filter_articles
from .pagination import PageNumberPagination
from .schemas import (
    ArticleDetail,
    ArticleSummary,
    AuthorOut,
    Error,
    InvalidInput,
    SectionOut,
    TagOut,
)

CACHE_SECONDS = 60
public_cache = cache_control(public=True, max_age=CACHE_SECONDS)


def cacheable(view):
    """Add Cache-Control, an ETag of the body, and 304s for If-None-Match."""
    return conditional_page(public_cache(view))


api = NinjaAPI(
    title=f"{settings.NEWSROOM_SITE_NAME} API",
    version="1",
    description=(
        "Read-only access to the live articles, sections, tags and authors. "
        "Lists are paginated with `page` and `page_size`."
    ),
    urls_namespace="api",
    # Swagger UI from our static files ("ninja" must stay in INSTALLED_APPS,
    # or Ninja loads it from a CDN) and no call to an outside validator: the
    # site's Content-Security-Policy allows neither.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=lambda view: require_safe(cacheable(view)),
)
# Decorators added in "view" mode wrap the whole response, errors included;
# the first one added runs innermost.
api.add_decorator(public_cache, mode="view")
api.add_decorator(conditional_page, mode="view")

ERRORS = {404: Error, 422: InvalidInput}


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not Found"}, status=404)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    # A page number that is not a number is a page that does not exist.
    if exc.errors and all(
        tuple(error["loc"]) == ("query", "page") for error in exc.errors
    ):
        return api.create_response(request, {"detail": "Invalid page."}, status=404)
    return api.create_response(request, {"detail": exc.errors}, status=422)


def live_articles():
    return Article.objects.live().for_listing().prefetch_related("tags")


@api.get(
    "/articles/",
    response={200: list[ArticleSummary], **ERRORS},
    tags=["articles"],
    summary="List live articles",
)
@paginate(PageNumberPagination)
def list_articles(request, filters: Query[ArticleFilters]):
    """Live articles, newest first (best match first with `q`)."""
    articles = live_articles().newest_first().defer("body")
    return filter_articles(articles, filters)


@api.get(
    "/articles/lookup/",
    response={200: ArticleDetail, **ERRORS},
    tags=["articles"],
    summary="Find an article by its address",
)
def lookup_article(
    request,
    path: str = Query(
        ...,
        description="An article address, e.g. /world/2023/06/18/slug/, or a full URL.",
    ),
):
    """The live article whose canonical address is `path` (or a full URL's path)."""
    path = urlsplit(path).path
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise Http404("No article at this address.") from error
    if match.view_name != "articles:detail":
        raise Http404("No article at this address.")
    article = live_articles().filter(slug=match.kwargs["slug"]).first()
    if article is None or article.get_absolute_url() != path:
        raise Http404("No article at this address.")
    return article


@api.get(
    "/articles/{int:article_id}/",
    response={200: ArticleDetail, **ERRORS},
    tags=["articles"],
    summary="Get an article",
)
def get_article(request, article_id: int):
    """One live article, with its body."""
    return get_object_or_404(live_articles(), pk=article_id)


@api.get(
    "/sections/",
    response={200: list[SectionOut], **ERRORS},
    tags=["sections"],
    summary="List sections",
)
@paginate(PageNumberPagination)
def list_sections(request):
    """Every section, in navigation order; `parent` gives the tree."""
    return Section.objects.select_related("parent").order_by("nav_order", "name", "pk")


@api.get(
    "/tags/",
    response={200: list[TagOut], **ERRORS},
    tags=["tags"],
    summary="List tags",
)
@paginate(PageNumberPagination)
def list_tags(request):
    """Tags of live articles, by name, with how many live articles carry each."""
    return (
        Tag.objects.filter(taggit_taggeditem_items__article__in=Article.objects.live())
        .annotate(article_count=Count("taggit_taggeditem_items"))
        .order_by("name", "pk")
    )


@api.get(
    "/authors/",
    response={200: list[AuthorOut], **ERRORS},
    tags=["authors"],
    summary="List authors",
)
@paginate(PageNumberPagination)
def list_authors(request):
    """Every author, by name."""
    return Author.objects.order_by("name", "pk")


@api.get("/", response=dict[str, str], include_in_schema=False)
def index(request):
    names = {
        "articles": "list_articles",
        "sections": "list_sections",
        "tags": "list_tags",
        "authors": "list_authors",
        "schema": "openapi-json",
        "docs": "openapi-view",
    }
    return {
        key: request.build_absolute_uri(reverse(f"api:{name}"))
        for key, name in names.items()
    }


def unknown_endpoint(request):
    return JsonResponse({"detail": "Not Found"}, status=404)

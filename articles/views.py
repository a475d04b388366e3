from taggit.models import Tag

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView

from .forms import SearchForm
from .models import Article, Author, FormerURL, PreviewLink
from .page_query import live_article_for_page
from .pagination import UncountedPaginator, paginate
from .previews import render_preview
from .search import query_terms, search_articles


def article_detail(request, section, year, month, day, slug):
    article = live_article_for_page(slug)
    if article is None:
        return redirect_former_url(request)
    article.attach_section(request)
    canonical_url = article.get_absolute_url()
    if request.path != canonical_url:
        return redirect(canonical_url, permanent=True)
    display = article.display()
    return TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": display.authors,
            "tags": display.tags,
            "corrections": display.corrections,
            "canonical_absolute_url": request.build_absolute_uri(canonical_url),
            "current_section_slug": article.section.navigation_slug(),
        },
    )


def redirect_former_url(request):
    """Redirect an address a live article used to have to its current one."""
    former = (
        FormerURL.objects.filter(path=request.path, article__in=Article.objects.live())
        .select_related("article__section")
        .first()
    )
    if former is None:
        raise Http404("No live article here.")
    return redirect(former.article.get_absolute_url(), permanent=True)


def article_short_url(request, pk):
    article = get_object_or_404(Article.objects.live().select_related("section"), pk=pk)
    return redirect(article.get_absolute_url(), permanent=True)


@never_cache
def shared_preview(request, token):
    """Show an unpublished article to someone holding a valid preview link."""
    try:
        data = signing.loads(token, salt="articles.preview-link")
        link_id = int(data["link"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Http404("No such preview.") from error
    link = PreviewLink.objects.select_related("article__section").filter(pk=link_id)
    link = link.first()
    if link is None or not link.is_usable():
        raise Http404("No such preview.")
    return render_preview(request, link.article)


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.live().tagged(tag).for_teasers().newest_first()
    page = paginate(request, articles)
    if not page.object_list:
        # A tag used only on unpublished articles does not exist for readers.
        raise Http404("No live articles with this tag.")
    return TemplateResponse(
        request, "articles/tag_detail.html", {"tag": tag, "page_obj": page}
    )


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.live().by_author(author).for_teasers().newest_first()
    return TemplateResponse(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": paginate(request, articles)},
    )


def search(request):
    form = SearchForm(request.GET or None)
    page = None
    terms = []
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        articles = Article.objects.live()
        if data["section"]:
            articles = articles.in_section(data["section"])
        if data["date_from"]:
            articles = articles.filter(publish_at__date__gte=data["date_from"])
        if data["date_to"]:
            articles = articles.filter(publish_at__date__lte=data["date_to"])
        results = search_articles(articles, data["q"]).select_related("section")
        page = paginate(request, results, counted=True)
        terms = query_terms(data["q"])
    response = TemplateResponse(
        request,
        "articles/search.html",
        {
            "form": form,
            "page_obj": page,
            "terms": terms,
            "query_string": _without_page(request),
        },
    )
    response["X-Robots-Tag"] = "noindex, follow"
    return response


def _without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class ArchiveMixin:
    date_field = "publish_at"
    month_format = "%m"
    paginate_by = 20
    paginator_class = UncountedPaginator
    allow_empty = False
    template_name = "articles/article_archive.html"

    def get_queryset(self):
        return Article.objects.live().for_teasers()


class YearArchive(ArchiveMixin, YearArchiveView):
    make_object_list = True


class MonthArchive(ArchiveMixin, MonthArchiveView):
    pass


class DayArchive(ArchiveMixin, DayArchiveView):
    pass

from taggit.models import Tag

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from .models import Article, Author, FormerURL, PreviewLink
from .pagination import paginate
from .previews import render_preview


def article_detail(request, section, year, month, day, slug):
    article = Article.objects.live().for_article_page().filter(slug=slug).first()
    if article is None:
        return redirect_former_url(request)
    canonical_url = article.get_absolute_url()
    if request.path != canonical_url:
        return redirect(canonical_url, permanent=True)
    return TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "tags": article.tags.all(),
            "canonical_url": canonical_url,
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
    articles = Article.objects.live().tagged(tag).for_listing().newest_first()
    page = paginate(request, articles)
    if not page.object_list:
        # A tag used only on unpublished articles does not exist for readers.
        raise Http404("No live articles with this tag.")
    return TemplateResponse(
        request, "articles/tag_detail.html", {"tag": tag, "page_obj": page}
    )


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.live().by_author(author).for_listing().newest_first()
    return TemplateResponse(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": paginate(request, articles)},
    )

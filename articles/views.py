from taggit.models import Tag

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from .models import Article, Author
from .pagination import paginate


def article_detail(request, section, year, month, day, slug):
    article = get_object_or_404(Article.objects.live().for_article_page(), slug=slug)
    canonical_url = article.get_absolute_url()
    if request.path != canonical_url:
        return redirect(canonical_url, permanent=True)
    return TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "canonical_url": canonical_url,
            "current_section_slug": article.section.navigation_slug(),
        },
    )


def article_short_url(request, pk):
    article = get_object_or_404(Article.objects.live().select_related("section"), pk=pk)
    return redirect(article.get_absolute_url(), permanent=True)


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

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Pagination(Schema):
    page: int = Field(1, ge=1, description="The page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, at most {MAX_PAGE_SIZE}.",
    )


class PageNumberPagination(PaginationBase):
    """Django's Paginator behind `page` and `page_size`; a bad page is a 404."""

    Input = Pagination

    class Output(Schema):
        count: int = Field(description="The number of items on all pages.")
        page: int
        page_size: int
        num_pages: int
        next: str | None = Field(description="The address of the next page.")
        previous: str | None = Field(description="The address of the previous page.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination, request, **params):
        paginator = Paginator(queryset, pagination.page_size)
        try:
            page = paginator.page(pagination.page)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        return {
            "count": paginator.count,
            "page": page.number,
            "page_size": paginator.per_page,
            "num_pages": paginator.num_pages,
            "next": (
                _page_url(request, page.next_page_number()) if page.has_next() else None
            ),
            "previous": (
                _page_url(request, page.previous_page_number())
                if page.has_previous()
                else None
            ),
            "results": page.object_list,
        }


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

import json

from django.conf import settings
from django.core.paginator import (
    EmptyPage,
    InvalidPage,
    Page,
    PageNotAnInteger,
    Paginator,
)
from django.db import connections
from django.http import Http404
from django.utils.functional import cached_property

# Beyond any archive, and within what every database takes as an OFFSET.
MAX_OFFSET = 10**9


class UncountedPaginator(Paginator):
    """Pages of a list that may hold much of the archive, without counting it.

    Counting every live article of a busy tag or author grows with the archive
    (60 ms for one author at 100,000 articles), and readers only page with
    Newer and Older links. So a page fetches one row more than it shows, to
    know whether an older page follows; a page past the end is empty: a 404.
    """

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise InvalidPage("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage("That page contains no results")
        return UncountedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def __repr__(self):
        return f"<Page {self.number}>"

    def has_next(self):
        return self._has_next

    def start_index(self):
        if not self.object_list:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


def paginate(request, queryset, per_page=None, *, counted=False):
    """Return the requested page of `queryset`; a bad page number is a 404.

    Lists of articles are not counted (see UncountedPaginator) unless
    `counted`, for pages that show how many results there are (search).
    """
    paginator_class = Paginator if counted else UncountedPaginator
    paginator = paginator_class(queryset, per_page or settings.NEWSROOM_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


# Counting fewer rows takes a millisecond or two: worth an exact figure.
ESTIMATE_FROM = 2_000


class EstimatedCountPaginator(Paginator):
    """The admin's article list: on PostgreSQL, a list the planner expects to
    be long is not counted but estimated (the row estimate of the list's own
    query, from the statistics ANALYZE and autovacuum keep), and rounded to
    show that it is an estimate.

    Counting grows with what is counted: every article (9 ms at 100,000),
    every article with a common tag (12,529 of them, 45 ms) or word; and an
    editor learns nothing from it that a close figure does not tell. Short
    lists and other databases are counted. Pages past an estimate that fell
    short still open while they hold rows.
    """

    estimated = False

    @cached_property
    def count(self):
        rows = estimated_rows(self.object_list)
        if rows is not None and rows >= ESTIMATE_FROM:
            self.estimated = True
            # Two significant digits: 12,422 is shown as 12,000.
            return round(rows, 2 - len(str(rows)))
        return super().count

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1 or (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        page = self._get_page(
            self.object_list[bottom : bottom + self.per_page], number, self
        )
        # Evaluated here (and kept by the queryset) to find an empty page.
        if number > 1 and not page.object_list:
            raise EmptyPage("That page contains no results")
        return page


def estimated_rows(queryset):
    """Return how many rows PostgreSQL's planner expects `queryset` to give,
    or None on another database."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    # Without the columns, joins and order the rows do not need: less to plan.
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])

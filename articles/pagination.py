from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.http import Http404

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

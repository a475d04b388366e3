from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404


def paginate(request, queryset, per_page=None):
    """Return the requested page of `queryset`; a bad page number is a 404."""
    paginator = Paginator(queryset, per_page or settings.NEWSROOM_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error

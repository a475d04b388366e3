"""Pages of teasers: section fronts, tag and author pages.

A teaser shows its article's own fields, section, lead image and byline,
all content, so its HTML is kept per content version in each process
(`{% teaser %}`, reading/templatetags/reading_tags.py). What was left of
such a page was its query: the page's articles with their sections, images
and display data, and the ORM building four model instances per teaser,
every time.

The articles a teaser shows are kept the same way, by id: a page asks the
database only which articles it lists (their ids, in the list's order, one
more than it shows to know whether an older page follows), takes the kept
ones, and reads the others in one query. Which articles are listed, and
whether they are live, is still decided by the page's own query on every
render; only what they show is kept, and any change a teaser could show
sets a new content version, as for the teasers' HTML.
"""

from articles.pagination import paginate

from .pagecache import per_content_version

# Articles kept per content version in each process: about 4 KB each with
# their section, image and display data, so some 8 MB, a hundred pages of
# twenty different articles. Past it, the kept ones are dropped first.
ARTICLES_PER_VERSION = 2000


def teaser_page(request, articles):
    """Return the requested page of `articles` (a queryset of live articles
    in the list's order) with the articles their teasers show; a bad page
    number is a 404 (`articles.pagination.paginate`).

    Shared: the page's articles may be those of other requests, read them
    only.
    """
    kept = per_content_version("teaser-articles", dict, request=request)
    if not kept:
        # Nothing kept in this process yet (or nothing is: the fragment
        # cache is off): the page in one query, as a page of ids would cost
        # a second one.
        page = paginate(request, articles.for_teasers())
        _keep(kept, {article.pk: article for article in page.object_list})
        return page
    page = paginate(request, articles.values_list("pk", flat=True))
    found = {pk: kept.get(pk) for pk in page.object_list}
    missing = [pk for pk, article in found.items() if article is None]
    if missing:
        # The page's own conditions again: an article that left the list
        # since its ids were read is left out, never shown.
        loaded = articles.for_teasers().in_bulk(missing)
        found.update(loaded)
        _keep(kept, loaded)
    page.object_list = [found[pk] for pk in page.object_list if found[pk] is not None]
    return page


def _keep(kept, articles):
    if len(kept) + len(articles) > ARTICLES_PER_VERSION:
        kept.clear()
    kept.update(articles)

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.utils.functional import cached_property

from articles.models import Article

from .models import Section


class SectionSitemap(Sitemap):
    def items(self):
        return Section.objects.order_by("pk")

    def lastmod(self, section):
        return self._latest_updates.get(section.pk)

    def get_latest_lastmod(self):
        # Every article is in a section: the newest change to any live one.
        return Article.objects.live().last_changed()

    @cached_property
    def _latest_updates(self):
        """Map section ids to the newest change of a live article in or below."""
        latest = dict(
            Article.objects.live()
            .order_by()
            .values_list("section_id")
            .annotate(latest=Max("updated_at"))
        )
        parents = dict(Section.objects.values_list("pk", "parent_id"))
        for section_id, updated_at in list(latest.items()):
            ancestor_id = parents.get(section_id)
            seen = {section_id}
            while ancestor_id is not None and ancestor_id not in seen:
                seen.add(ancestor_id)
                if latest.get(ancestor_id) is None or latest[ancestor_id] < updated_at:
                    latest[ancestor_id] = updated_at
                ancestor_id = parents.get(ancestor_id)
        return latest

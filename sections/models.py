from django.core.exceptions import ValidationError
from django.db import models

from newsroom.links import reverse_cached

# Top-level URL paths that a section slug would shadow.
RESERVED_SLUGS = frozenset(
    {
        "a",
        "admin",
        "api",
        "archive",
        "author",
        "beacon",
        "feed",
        "feeds",
        "media",
        "news-sitemap",
        "preview",
        "robots",
        "search",
        "sitemap",
        "static",
        "tag",
    }
)


class SectionQuerySet(models.QuerySet):
    def in_navigation(self):
        """Return top-level sections shown in the site header, in menu order."""
        return self.filter(parent__isnull=True, show_in_navigation=True).order_by(
            "nav_order", "name"
        )


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in the section's URL and in every article URL in it.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a top-level section.",
    )
    description = models.TextField(blank=True)
    nav_order = models.PositiveSmallIntegerField(
        "navigation order",
        default=100,
        help_text="Lower numbers come first in the site navigation.",
    )
    show_in_navigation = models.BooleanField(default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["nav_order", "name"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent} › {self.name}"
        return self.name

    def get_absolute_url(self):
        return reverse_cached("sections:detail", slug=self.slug)

    def navigation_slug(self):
        """Return the slug of the header link this section belongs under."""
        return self.parent.slug if self.parent_id else self.slug

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved for site URLs."})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A section cannot be its own ancestor."}
                )
            ancestor = ancestor.parent

    def descendant_ids(self, sections=None):
        """Return the ids of this section and every section below it.

        `sections`: every section, if they were read already (the reader's
        pages keep them per content version); else read here, in one query.
        """
        if sections is None:
            pairs = Section.objects.values_list("pk", "parent_id")
        else:
            pairs = ((section.pk, section.parent_id) for section in sections)
        children = {}
        for pk, parent_id in pairs:
            children.setdefault(parent_id, []).append(pk)
        ids, frontier = set(), [self.pk]
        while frontier:
            ids.update(frontier)
            frontier = [
                c for pk in frontier for c in children.get(pk, ()) if c not in ids
            ]
        return ids

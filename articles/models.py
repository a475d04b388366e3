from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .html import EDITOR_EXTENSIONS, clean_html


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField("short bio", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account of this author, if they have one.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


def live_q(prefix=""):
    """Return the visibility rule as a Q object, for use across relations."""
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}publish_at__lte": timezone.now(),
        }
    )


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Return articles readers may see: published, and due."""
        return self.filter(live_q())

    def in_section(self, section):
        """Return articles filed in the section or any section below it."""
        return self.filter(section_id__in=section.descendant_ids())

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def latest_per_section(self, count):
        """Return the `count` newest articles of each section, in one query."""
        newest_in_section = models.Window(
            RowNumber(),
            partition_by=[F("section_id")],
            order_by=[F("publish_at").desc(), F("pk").desc()],
        )
        return self.annotate(rank_in_section=newest_in_section).filter(
            rank_in_section__lte=count
        )

    def for_listing(self):
        """Return articles with what a teaser shows: section and byline."""
        return self.select_related("section").prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author").order_by(
                    "position", "pk"
                ),
            )
        )

    def for_article_page(self):
        """Return articles with everything their own page shows."""
        return (
            self.for_listing()
            .select_related("section__parent")
            .prefetch_related("tags")
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        OPINION = "opinion", "Opinion"
        FEATURE = "feature", "Feature"
        INTERVIEW = "interview", "Interview"
        REVIEW = "review", "Review"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's URL. Filled from the headline.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.NEWS,
        help_text="The label shown above the headline.",
    )
    standfirst = models.TextField(
        max_length=600,
        blank=True,
        help_text="One or two sentences under the headline that sum the story up.",
    )
    body = ProseEditorField(
        blank=True,
        extensions=EDITOR_EXTENSIONS,
        sanitize=clean_html,
        help_text="Scripts, styles and event handlers are removed on save.",
    )
    section = models.ForeignKey(
        "sections.Section", on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    tags = TaggableManager(
        blank=True,
        help_text=(
            "Separate tags with commas, e.g. “China, United States”. Shared tags "
            "decide related posts."
        ),
    )
    featured = models.BooleanField(
        default=False,
        help_text="The newest featured live article leads the front page.",
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.DRAFT, db_index=False
    )
    publish_at = models.DateTimeField(
        "publish time",
        default=timezone.now,
        help_text=(
            "Readers see the article once its status is Published and this time "
            "has come. A future time schedules it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "-publish_at"], name="article_status_publish_idx"
            ),
            models.Index(
                fields=["section", "status", "-publish_at"],
                name="article_section_publish_idx",
            ),
            models.Index(
                fields=["featured", "status", "-publish_at"],
                name="article_featured_publish_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        published = timezone.localtime(self.publish_at)
        return reverse(
            "articles:detail",
            kwargs={
                "section": self.section.slug,
                "year": published.year,
                "month": f"{published.month:02d}",
                "day": f"{published.day:02d}",
                "slug": self.slug,
            },
        )

    def get_short_url(self):
        return reverse("articles:short", kwargs={"pk": self.pk})

    def is_live(self):
        """Return True if readers may see this article now."""
        return (
            self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()
        )

    def is_scheduled(self):
        """Return True if the article is published but its time has not come."""
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    def byline_authors(self):
        """Return the authors in byline order (prefetched by for_listing())."""
        return [byline.author for byline in self.bylines.all()]

    def publish(self, *, at=None):
        self.status = self.Status.PUBLISHED
        if at is not None:
            self.publish_at = at
        self.save()

    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save()

    def _unique_slug(self):
        base = slugify(self.headline)[:190] or "article"
        slug, n = base, 2
        while Article.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class ArticleAuthor(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="unique_author_per_article"
            )
        ]
        verbose_name = "byline"

    def __str__(self):
        return f"{self.author} on {self.article}"

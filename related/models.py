from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class CuratedLink(models.Model):
    """A related article picked by an editor; picked links lead the widget."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="curated_links"
    )
    target = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="curated_backlinks",
        verbose_name="related article",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "target"], name="unique_curated_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(article=models.F("target")),
                name="curated_link_not_to_itself",
            ),
        ]
        verbose_name = "hand-picked related article"

    def __str__(self):
        return f"{self.article} → {self.target}"


class DailyViewCountQuerySet(models.QuerySet):
    def record_view(self, article_id, *, day=None):
        """Add one read of the article to its count for the day, atomically."""
        self.add_views(article_id, 1, day=day)

    def add_views(self, article_id, views, *, day=None):
        """Add reads of the article to its count for the day, atomically."""
        day = day or timezone.localdate()
        counts = self.filter(article_id=article_id, day=day)
        if counts.update(views=F("views") + views):
            return
        try:
            with transaction.atomic():
                self.create(article_id=article_id, day=day, views=views)
        except IntegrityError:
            # Another request created the day's row in between.
            counts.update(views=F("views") + views)


class DailyViewCount(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    objects = DailyViewCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_count_per_day")
        ]
        indexes = [
            models.Index(fields=["day", "article"], name="views_day_article_idx")
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.views}"


class TermDocumentCount(models.Model):
    """How many indexed articles use a term: the IDF of text similarity."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.documents}"


class ArticleVector(models.Model):
    """An article's TF-IDF vector, computed when it is saved."""

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="text_vector",
    )
    weights = models.JSONField(default=dict)

    def __str__(self):
        return f"Vector of {self.article_id}"


class ArticleTerm(models.Model):
    """One of an article's most distinctive terms: an inverted index entry."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="index_terms"
    )
    term = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="one_term_entry")
        ]
        indexes = [models.Index(fields=["term", "article"], name="term_article_idx")]

    def __str__(self):
        return f"{self.term} in {self.article_id}"


class RelatedArticle(models.Model):
    """An entry of an article's stored related list, in display order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="related_entries"
    )
    target = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="related_in"
    )
    position = models.PositiveSmallIntegerField()
    picked = models.BooleanField(default=False)
    score = models.FloatField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "target"], name="one_related_entry"
            )
        ]
        indexes = [
            models.Index(fields=["article", "position"], name="related_position_idx")
        ]

    def __str__(self):
        return f"{self.article_id} → {self.target_id} (#{self.position})"

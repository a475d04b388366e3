"""The front page as editors arrange it: blocks of stories, some pinned.

Each block has a place on the page (the lead, the top stories, or one
section's block) and shows a number of stories: its pinned articles first,
in the editors' order, then the newest live articles that fit it. A block
takes its place from its `live_from` time, in place of the block that held
that place before, so a front page can be arranged ahead and goes live at
that second (the page cache expires then: reading.pagecache).

Which articles the page shows is worked out in frontpage/arrangement.py;
the reader's side (reading) renders it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone


class BlockQuerySet(models.QuerySet):
    def current(self, *, now=None):
        """Return the blocks the front page shows `now`, in page order: for
        each place, the block whose `live_from` came last."""
        now = timezone.now() if now is None else now
        newest_in_place = Window(
            RowNumber(),
            partition_by=[F("kind"), F("section_id")],
            order_by=[F("live_from").desc(), F("pk").desc()],
        )
        return (
            self.filter(live_from__lte=now)
            .annotate(rank_in_place=newest_in_place)
            .filter(rank_in_place=1)
            .select_related("section")
            .order_by("position", "pk")
        )

    def scheduled(self, *, now=None):
        """Return blocks whose time has not come yet."""
        now = timezone.now() if now is None else now
        return self.filter(live_from__gt=now)

    def next_live_from(self, *, after=None):
        """Return the earliest time after `after` (now) at which one of these
        blocks takes its place on the front page, or None."""
        first = models.Min("live_from")
        return self.scheduled(now=after).aggregate(first=first)["first"]


class Block(models.Model):
    class Kind(models.TextChoices):
        LEAD = "lead", "Lead story"
        TOP = "top", "Top stories"
        SECTION = "section", "Section"

    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.SECTION,
        help_text=(
            "The lead is the one big story at the top; top stories come from "
            "every section; a section block from its section and those below it."
        ),
    )
    section = models.ForeignKey(
        "sections.Section",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="front_page_blocks",
        help_text="For a section block only.",
    )
    title = models.CharField(
        max_length=100,
        blank=True,
        help_text="The heading above the block; the section's name (or “Latest”) "
        "when empty. The lead has none.",
    )
    size = models.PositiveSmallIntegerField(
        "number of stories",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Pinned stories first, in their order, then the newest live ones.",
    )
    position = models.PositiveSmallIntegerField(
        default=10, help_text="Blocks with lower numbers come first on the page."
    )
    deduplicate = models.BooleanField(
        "skip stories shown in other blocks",
        default=True,
        help_text="Untick to let this block show stories that another block shows too.",
    )
    live_from = models.DateTimeField(
        "on the front page from",
        default=timezone.now,
        help_text="From this time the block replaces the block of the same kind "
        "(and section) before it. A future time schedules it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "front page block"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="section") & Q(section__isnull=False))
                | (~Q(kind="section") & Q(section__isnull=True)),
                name="front_block_section_iff_section_kind",
            ),
        ]
        indexes = [models.Index(fields=["live_from"], name="front_block_live_from_idx")]

    def __str__(self):
        return self.heading() or self.get_kind_display()

    def clean(self):
        if self.kind == self.Kind.SECTION and self.section_id is None:
            raise ValidationError({"section": "Choose the section this block shows."})
        if self.kind != self.Kind.SECTION and self.section_id is not None:
            raise ValidationError({"section": "Only section blocks have a section."})
        if self.kind == self.Kind.LEAD and self.size != 1:
            raise ValidationError({"size": "The lead shows one story."})

    def heading(self):
        """Return the heading shown above the block ("" for the lead)."""
        if self.kind == self.Kind.LEAD:
            return ""
        if self.title:
            return self.title
        if self.kind == self.Kind.SECTION and self.section_id:
            return self.section.name
        return "Latest"

    def is_current(self, *, now=None):
        """Return True if this block's time has come and no later one replaced it."""
        return Block.objects.current(now=now).filter(pk=self.pk).exists()


class PinnedArticle(models.Model):
    """An article an editor placed in a block, in the editor's order."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="pins")
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="front_page_pins",
        help_text="Shown while it is live; a draft or scheduled article appears "
        "when it goes live.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "pinned article"
        constraints = [
            models.UniqueConstraint(
                fields=["block", "article"], name="front_pin_once_per_block"
            )
        ]

    def __str__(self):
        return f"{self.article} in {self.block}"

import hmac

import reversion
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from newsroom.links import reverse_cached

from . import events, visibility
from .html import EDITOR_EXTENSIONS, clean_html, html_to_text, link_end


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
        return reverse_cached("articles:author", slug=self.slug)


def article_url(section_slug, publish_at, slug):
    """Return the address of an article: its section, publish date and slug."""
    published = timezone.localtime(publish_at)
    return reverse_cached(
        "articles:detail",
        section=section_slug,
        year=published.year,
        month=f"{published.month:02d}",
        day=f"{published.day:02d}",
        slug=slug,
    )


def live_q(prefix="", *, now=None):
    """Return the visibility rule as a Q object: what readers may see `now`.

    The one definition: querysets filter with it (`live()`, `scheduled()`),
    `Article.is_live()` and copies of articles evaluate it
    (articles/visibility.py), the article page's query and the page cache's
    next-publication lookup are built from it. `prefix` applies it across a
    relation, e.g. "articles__".
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}publish_at__lte": timezone.now() if now is None else now,
        }
    )


def is_visible(values, *, now=None):
    """Return True if an article with these values (an object, or a dict of
    the fields the rule reads) is visible to readers `now`."""
    now = timezone.now() if now is None else now
    return visibility.predicate(live_q)(values, now)


def may_become_visible(values):
    """Return True if an article with these values is live or will be,
    without an editor's action (it is published, or scheduled)."""
    return visibility.predicate(live_q)(values, visibility.END_OF_TIME)


def visibility_fields():
    """Return the names of the article fields the visibility rule reads."""
    return visibility.fields(live_q())


# Columns kept for search only (articles/search.py); no page shows them.
SEARCH_COLUMNS = ("body_text", "search_vector")
# The article's own fields that a link to it shows (or that decide whether
# it is shown): a change of one changes other articles' Related posts.
LINK_FIELDS = ("headline", "slug", "status", "publish_at", "section_id")
# What a link to an article needs: its address (section, date, slug) and title.
LINK_COLUMNS = (
    "headline",
    "slug",
    "status",
    "publish_at",
    "section__slug",
    "section__name",
)


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Return articles readers may see: published, and due."""
        return self.filter(live_q())

    def scheduled(self, *, now=None):
        """Return articles that are not visible yet but will be, by time alone."""
        now = timezone.now() if now is None else now
        return self.may_become_live().exclude(live_q(now=now))

    def may_become_live(self):
        """Return articles that are live or will be by time alone (published)."""
        return self.filter(live_q(now=visibility.END_OF_TIME))

    def next_publication(self, *, after=None):
        """Return the earliest time after `after` (now) at which one of these
        articles becomes visible, or None."""
        times = visibility.time_fields(live_q)
        first = models.Min(
            times[0] if len(times) == 1 else models.functions.Greatest(*times)
        )
        return self.scheduled(now=after).aggregate(first=first)["first"]

    def showing_image(self, image):
        """Return articles that lead with the library image or show it in
        their body (as images/embeds.py marks it: data-file)."""
        return self.filter(
            models.Q(lead_image=image)
            | models.Q(body__contains=f'data-file="{image.pk}"')
        )

    def linking_to(self, url):
        """Return articles whose body links to `url` (a library file's), by
        that address or by a full one ending in it (https://host/media/…)."""
        return self.filter(body__contains=link_end(url))

    def in_section(self, section, *, sections=None):
        """Return articles filed in the section or any section below it
        (`sections`: every section, if read already; see
        `Section.descendant_ids()`)."""
        return self.filter(section_id__in=section.descendant_ids(sections))

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        """Return articles with `tag`.

        A semi-join on the tag's rows rather than taggit's join, whose cast of
        the generic integer `object_id` to the article key keeps PostgreSQL
        from walking the newest articles and probing the tag index: at 100,000
        articles a common tag's newest page took 40 ms that way, 1 ms this way.
        """
        tagged_ids = TaggedItem.objects.filter(
            tag=tag, content_type=ContentType.objects.get_for_model(self.model)
        ).values("object_id")
        return self.filter(pk__in=tagged_ids)

    def last_changed(self):
        """Return when the most recently changed of these articles changed.

        PostgreSQL answers it from the end of the updated_at index."""
        return self.aggregate(latest=models.Max("updated_at"))["latest"]

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def latest_per_section(self, count, *, among=1000):
        """Return the `count` newest articles of each section, in one query.

        Only the `among` newest articles are considered, so the cost does not
        grow with the archive; a section with nothing among them is left out.
        """
        recent = self.order_by("-publish_at", "-pk").values("pk")[:among]
        newest_in_section = models.Window(
            RowNumber(),
            partition_by=[F("section_id")],
            order_by=[F("publish_at").desc(), F("pk").desc()],
        )
        return (
            self.filter(pk__in=recent)
            .annotate(rank_in_section=newest_in_section)
            .filter(rank_in_section__lte=count)
        )

    def for_listing(self):
        """Return articles with what a list shows: section, lead image, byline.

        The columns derived for search are left out: no page shows them, and
        a long article's search vector outweighs the rest of its row.
        """
        return (
            self.select_related("section", "lead_image")
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=ArticleAuthor.objects.select_related("author").order_by(
                        "position", "pk"
                    ),
                )
            )
            .defer(*SEARCH_COLUMNS)
        )

    def for_teasers(self):
        """Return articles for teaser lists (fronts, tags, authors), in one
        query: no body, and the byline from the display data."""
        return self.select_related("section", "lead_image", "display_data").defer(
            *SEARCH_COLUMNS, "body"
        )

    def for_links(self):
        """Return articles for a list of links (related, popular): headline,
        section and what the address is made of, in one query."""
        return self.select_related("section").only(*LINK_COLUMNS)

    def for_article_page(self):
        """Return articles with everything their own page shows, in one query:
        the byline, tags, corrections and related posts come with the display
        data. The section is left to `reading.display.attach_section()`.

        The article page itself runs this query with its SQL built once per
        process (`reading.page_query.live_article_for_page`)."""
        return self.select_related("lead_image", "display_data").defer(*SEARCH_COLUMNS)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

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
    lead_image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        # An image that leads an article cannot be deleted from the library.
        on_delete=models.PROTECT,
        related_name="lead_image_articles",
        help_text="Shown above the body, on teasers and on social networks.",
    )
    lead_image_caption = models.CharField(
        "lead image caption",
        max_length=600,
        blank=True,
        help_text="The caption for this article; the library's caption when empty.",
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
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
        help_text="Changed with the workflow buttons, never typed.",
    )
    publish_at = models.DateTimeField(
        "publish time",
        default=timezone.now,
        help_text=(
            "Readers see the article once its status is Published and this time "
            "has come. A future time schedules it."
        ),
    )
    reader_password = models.CharField(
        "password for readers",
        max_length=100,
        blank=True,
        help_text=(
            "Readers must type it to read the text; the headline, standfirst "
            "and lead image stay public. Kept as typed, so that you can share "
            "it; not anyone's sign-in password. Empty: everyone reads the text."
        ),
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=120,
        blank=True,
        help_text="The title search engines show; the headline when empty.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=300,
        blank=True,
        help_text="The summary search engines show; the standfirst when empty.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        "modified time",
        auto_now=True,
        help_text="Changes on every save and with every correction.",
    )
    # Counts saves, so that a save based on an outdated copy can be refused.
    edit_version = models.PositiveIntegerField(default=0, editable=False)
    # The body as plain text, for search and text similarity: empty when
    # readers need a password (its words must not be found or quoted).
    body_text = models.TextField(blank=True, editable=False)
    # Weighted full-text document, kept up to date by a database trigger on
    # PostgreSQL (see articles/search.py); unused on SQLite, which uses FTS5.
    search_vector = SearchVectorField(null=True, editable=False)
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        permissions = [
            (
                "publish_article",
                "Can publish, schedule, unpublish and correct articles",
            ),
        ]
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
            # Sitemaps and feeds ask when the site last changed.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
            # The admin's article list in its order (Meta.ordering): any page
            # is read from the index, not sorted from the whole table.
            models.Index(fields=["-publish_at", "-id"], name="article_list_order_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.body_text = "" if self.asks_for_password() else html_to_text(self.body)
        if not self.slug:
            self.slug = self._unique_slug()
        self.edit_version += 1
        saved = self._saved_copy()
        previous_url = saved.get_absolute_url() if saved else None
        if reversion.is_active():
            super().save(*args, **kwargs)
        else:
            # Every save keeps a revision, also outside the admin.
            with reversion.create_revision():
                super().save(*args, **kwargs)
                reversion.set_comment("Saved outside the admin.")
        if previous_url:
            self._remember_former_url(previous_url)
        events.announce_save(self, saved)

    def get_absolute_url(self):
        return article_url(self.section.slug, self.publish_at, self.slug)

    def get_short_url(self):
        return reverse_cached("articles:short", pk=self.pk)

    def is_live(self):
        """Return True if readers may see this article now."""
        return is_visible(self)

    def is_scheduled(self):
        """Return True if the article is published but its time has not come."""
        return not is_visible(self) and may_become_visible(self)

    def asks_for_password(self):
        """Return True if readers must give a password to read the body."""
        return bool(self.reader_password)

    def opens_with(self, password):
        """Return True if this password opens the body to a reader."""
        return self.asks_for_password() and hmac.compare_digest(
            password.encode(), self.reader_password.encode()
        )

    def public_body(self):
        """Return the body as readers get it without a password (feeds, API):
        empty when the article asks for one."""
        return "" if self.asks_for_password() else self.body

    def byline_authors(self):
        """Return the authors in byline order (prefetched by for_listing())."""
        return [byline.author for byline in self.bylines.all()]

    def is_owned_by(self, user):
        """Return True if the user created the article or is in its byline."""
        if self.created_by_id == user.pk:
            return True
        return self.bylines.filter(author__user=user).exists()

    def publish(self, *, by=None, at=None):
        """Publish the article (or schedule it, for a future time)."""
        from .workflow import transition

        transition(self, "publish", user=by, publish_at=at)

    def unpublish(self, *, by=None):
        """Take the article off the site at once."""
        from .workflow import transition

        transition(self, "unpublish", user=by)

    def _saved_copy(self):
        """Return the article as it is in the database, if it is there."""
        if self.pk is None:
            return None
        return Article.objects.filter(pk=self.pk).select_related("section").first()

    def _remember_former_url(self, previous_url):
        current_url = self.get_absolute_url()
        if previous_url == current_url:
            return
        FormerURL.objects.filter(path=current_url).delete()
        FormerURL.objects.update_or_create(
            path=previous_url, defaults={"article": self}
        )

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


class ArticleDisplayData(models.Model):
    """A copy of what an article's page shows from other rows: its byline,
    tags, corrections and related links, so that the page is read in one
    query.

    Kept by the reader's side (reading/display.py), inside the transaction
    that changes the rows it copies; never edited, and not part of revisions.
    The table is declared here, with the article it belongs to and whose
    QuerySets select it (`for_teasers()`, `for_article_page()`); no code in
    this app reads or writes it.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="display_data"
    )
    authors = models.JSONField(default=list)  # [[name, slug], ...] in byline order
    tags = models.JSONField(default=list)  # [[name, slug], ...] as tagged
    corrections = models.JSONField(default=list)  # [[kind, text, ISO time], ...]
    # The stored related list's published targets, as links: [[id, headline,
    # slug, ISO publish time, section id], ...]; None until the list is
    # computed. Copied from related's stored lists by reading.display.
    related = models.JSONField(null=True, default=None)

    class Meta:
        verbose_name = "article display data"
        verbose_name_plural = "article display data"

    def __str__(self):
        return f"Display data of article {self.article_id}"


class WorkflowEvent(models.Model):
    """One step of an article through the workflow: who did what, and when."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="workflow_events"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=Article.Status)
    to_status = models.CharField(max_length=20, choices=Article.Status)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return (
            f"{self.article}: {self.action} by {self.user} at {self.at:%Y-%m-%d %H:%M}"
        )


class Correction(models.Model):
    """A note appended to a published article; shown with its time."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="Plain text, shown under the article body.")
    published_at = models.DateTimeField("time", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The article's modified time moves; its publish time stays.
        Article.objects.filter(pk=self.article_id).update(updated_at=timezone.now())


class FormerURL(models.Model):
    """An address an article used to have; it redirects to the current one."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="former_urls"
    )
    path = models.CharField(max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "former URL"

    def __str__(self):
        return self.path


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Return links that are neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A signed, expiring, revocable link to preview an unpublished article."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} until {self.expires_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("articles:shared-preview", kwargs={"token": self.token()})

    def token(self):
        from django.core import signing

        return signing.dumps({"link": self.pk}, salt="articles.preview-link")

    def is_usable(self):
        """Return True if the link still opens the preview."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class WorkingCopy(models.Model):
    """An editor's unsaved changes to an article's form, kept by autosave.

    Never the article itself: only its editor sees it, and it is offered back
    when they open the article again (articles/autosave.py). `article` is
    empty for a new article that was never saved.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_copies",
    )
    # The form as the browser posts it: {field name: [values]}.
    data = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "working copies"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="one_working_copy_per_article"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="one_working_copy_of_a_new_article",
            ),
        ]

    def __str__(self):
        return f"Unsaved changes of {self.user} to {self.article or 'a new article'}"

from js_asset import Media
from taggit.forms import TagWidget
from taggit.models import Tag

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from .models import Article, ArticleAuthor, Author


class TagSuggestWidget(TagWidget):
    """The comma-separated tag input, with existing tags suggested as you type."""

    template_name = "admin/articles/tag_suggest_widget.html"

    class Media:
        js = ["admin-extra/tag-suggest.js"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


class StatusFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.live()
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(
                pk__in=Article.objects.live().values("pk")
            )
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "headline",
        "kind",
        "section",
        "byline",
        "status",
        "publish_at",
        "is_live",
    ]
    list_filter = [
        StatusFilter,
        "status",
        "kind",
        "section",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [ArticleAuthorInline]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["kind", "headline", "standfirst", "body"]}),
        ("Filing", {"fields": ["section", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at", "featured"]}),
        ("Advanced options", {"classes": ["collapse"], "fields": ["slug"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "bylines", queryset=ArticleAuthor.objects.select_related("author")
                )
            )
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagSuggestWidget(
                attrs={"data-suggest-url": reverse("admin:articles_article_tags")}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors())

    @admin.display(boolean=True, description="Live")
    def is_live(self, article):
        return article.is_live()

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_live() else None

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor loads an import map, an inline script: it runs
        # under the Content-Security-Policy only with this request's nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        own_profile = getattr(request.user, "author_profile", None)
        if not change and own_profile and not article.bylines.exists():
            ArticleAuthor.objects.create(article=article, author=own_profile)

    def get_urls(self):
        return [
            path(
                "tags/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="articles_article_tags",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions(self, request):
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        names = (
            Tag.objects.filter(name__istartswith=term).order_by("name")
            if term
            else Tag.objects.none()
        )
        return JsonResponse({"tags": list(names.values_list("name", flat=True)[:10])})

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            if article.status != Article.Status.PUBLISHED:
                article.publish()
                count += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for article in queryset:
            if article.status == Article.Status.PUBLISHED:
                article.unpublish()
                count += 1
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count)
            % count,
            messages.SUCCESS,
        )

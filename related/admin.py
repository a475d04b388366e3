from django.contrib import admin

from articles.admin import ArticleAdmin
from articles.models import Article

from .models import CuratedLink, DailyViewCount


class CuratedLinkInline(admin.TabularInline):
    model = CuratedLink
    fk_name = "article"
    autocomplete_fields = ["target"]
    fields = ["target", "position"]
    extra = 1
    verbose_name_plural = (
        "Related posts picked by hand (shown first, in this order; "
        "the rest are chosen automatically)"
    )


# articles must not import this app, so the hand-picked links join the article
# form here, by extending the registered ArticleAdmin.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithRelatedAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, CuratedLinkInline]


@admin.register(DailyViewCount)
class DailyViewCountAdmin(admin.ModelAdmin):
    list_display = ["article", "day", "views"]
    list_filter = ["day"]
    date_hierarchy = "day"
    raw_id_fields = ["article"]
    search_fields = ["article__headline"]

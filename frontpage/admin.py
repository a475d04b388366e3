from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from newsroom.widgets import ZonedSplitDateTime
from sections.models import Section

from .arrangement import default_blocks
from .models import Block, PinnedArticle


class PinnedArticleInline(admin.TabularInline):
    model = PinnedArticle
    autocomplete_fields = ["article"]
    fields = ["article", "position"]
    extra = 1
    verbose_name_plural = "Pinned articles (lowest position first)"


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("current", "On the front page"), ("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        match self.value():
            case "current":
                return queryset.filter(pk__in=Block.objects.current().values("pk"))
            case "scheduled":
                return queryset.scheduled()
        return queryset


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    # Times are entered in the newsroom's zone, named beside the field.
    formfield_overrides = {models.DateTimeField: {"widget": ZonedSplitDateTime}}
    change_list_template = "admin/frontpage/block/change_list.html"
    list_display = ["__str__", "position", "size", "state", "starts", "pinned"]
    list_display_links = ["__str__"]
    list_editable = ["position"]
    list_filter = [StateFilter, "kind"]
    list_select_related = ["section"]
    fieldsets = [
        (None, {"fields": ["kind", "section", "title", "size", "position"]}),
        ("Publishing", {"fields": ["live_from", "deduplicate"]}),
    ]
    inlines = [PinnedArticleInline]

    def get_queryset(self, request):
        current = Block.objects.current().values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_current=ExpressionWrapper(
                    Q(pk__in=current), output_field=BooleanField()
                )
            )
            .prefetch_related("pins__article")
        )

    @admin.display(description="state")
    def state(self, block):
        if block.live_from > timezone.now():
            return "Scheduled"
        return "Live" if block.is_current else "Replaced"

    @admin.display(description="from", ordering="live_from")
    def starts(self, block):
        return formats.date_format(timezone.localtime(block.live_from), "j M Y, H:i")

    @admin.display(description="pinned articles")
    def pinned(self, block):
        return ", ".join(pin.article.headline for pin in block.pins.all()) or "–"

    def get_urls(self):
        return [
            path(
                "standard/",
                self.admin_site.admin_view(self.create_standard_view),
                name="frontpage_block_standard",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def create_standard_view(self, request):
        """Store the standard arrangement as blocks, for editors to change."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            if Block.objects.exists():
                messages.warning(request, "The front page has blocks already.")
            else:
                sections = {section.pk: section for section in Section.objects.all()}
                for block in default_blocks(sections):
                    block.save()
                messages.success(
                    request, "The standard arrangement is stored: change it below."
                )
        return redirect("admin:frontpage_block_changelist")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "standard_arrangement": not Block.objects.exists(),
        }
        return super().changelist_view(request, extra_context)

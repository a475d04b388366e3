from datetime import timedelta

import reversion
from js_asset import Media
from taggit.forms import TagWidget
from taggit.models import Tag

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from images.widgets import ImageChooserWidget
from newsroom.background import (
    TaskResultDoesNotExist,
    TaskResultStatus,
    stalled_task_count,
)
from newsroom.widgets import ZonedSplitDateTime

from . import autosave, bulk, merging, presence, revisions, search, workflow
from .forms import ArticleAdminForm
from .list_filters import AutocompleteListFilter
from .models import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    Author,
    Correction,
    PreviewLink,
)
from .pagination import EstimatedCountPaginator
from .previews import render_preview, unsaved_preview

Status = Article.Status
PREVIEW_LINK_HOURS = 48


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


# Times are entered in the newsroom's zone, named beside every time field.
ZONED_TIMES = {models.DateTimeField: {"widget": ZonedSplitDateTime}}


class CorrectionInline(admin.StackedInline):
    model = Correction
    formfield_overrides = ZONED_TIMES
    extra = 0
    fields = ["kind", "text", "published_at"]
    verbose_name_plural = "Corrections, clarifications and updates"

    def has_add_permission(self, request, obj=None):
        # Notes belong to articles readers have seen.
        published = obj is not None and obj.status == Status.PUBLISHED
        return published and super().has_add_permission(request, obj)


class WorkflowStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.live()
            case "scheduled":
                return queryset.scheduled()
            case "draft" | "review" | "unpublished":
                return queryset.filter(status=self.value())
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("mine", "Mine")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            user = request.user
            bylined = ArticleAuthor.objects.filter(author__user=user)
            return queryset.filter(
                Q(created_by=user) | Q(pk__in=bylined.values("article_id"))
            )
        return queryset


class SectionChoiceForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Article._meta.get_field("section").related_model.objects.all()
    )


class TagChoiceForm(forms.Form):
    tag = forms.CharField(max_length=100, help_text="An existing or a new tag.")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = ZONED_TIMES
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/history.html"
    # Beside the filters and the admin's menu, a 1,280 px screen leaves the
    # list about 630 px: the headline gets 300 of them (newsroom-admin.css),
    # the publish time goes under the state, and kind (a filter) and the
    # modified time are left to the form.
    list_display = ["headline", "section", "byline", "state_badge"]
    # Tags, authors and sections are found by typing (list_filters.py), not
    # listed; long lists are paged without counting them
    # (pagination.EstimatedCountPaginator), and without facet counts.
    list_filter = [
        WorkflowStateFilter,
        OwnerFilter,
        "kind",
        AutocompleteListFilter.of("section", "section"),
        AutocompleteListFilter.of("bylines__author", "author"),
        AutocompleteListFilter.of("tags", "tag", narrow=ArticleQuerySet.tagged),
        # Today, past 7 days, this month, this year: no query to offer them,
        # where the date hierarchy read every article's date on each load.
        ("publish_at", admin.DateFieldListFilter),
    ]
    # A section below another is shown with its parent's name.
    list_select_related = ["section", "section__parent"]
    list_per_page = 20
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["headline", "standfirst", "slug"]
    search_help_text = (
        "Whole words of the headline, standfirst or text, or an article's slug."
    )
    prepopulated_fields = {"slug": ["headline"]}
    raw_id_fields = ["lead_image"]
    inlines = [ArticleAuthorInline, CorrectionInline]
    actions = ["publish_selected", "unpublish_selected", "move_to_section", "add_tag"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "headline",
                    "standfirst",
                    "body",
                    "loaded_version",
                    "merge_base",
                ]
            },
        ),
        ("Lead image", {"fields": ["lead_image", "lead_image_caption"]}),
        ("Filing", {"fields": ["section", "tags"]}),
        (
            "Publishing",
            {
                "fields": [
                    "workflow_state",
                    "publish_at",
                    "confirm_backdate",
                    "featured",
                    "reader_password",
                ]
            },
        ),
        ("Search engines", {"fields": ["seo_title", "seo_description"]}),
        ("Advanced options", {"classes": ["collapse"], "fields": ["slug"]}),
    ]

    def get_formsets_with_inlines(self, request, obj=None):
        # The rows of the inlines the editor may change are merged with the
        # fields on a save made meanwhile (articles/merging.py).
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if obj is not None and inline.has_change_permission(request, obj):
                formset = merging.with_merged_rows(formset)
            yield formset, inline

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        for formset in formsets:
            if isinstance(formset, merging.MergedRows):
                formset.show_bases()  # shown again after a refused save
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

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

    def lookup_allowed(self, lookup, value, request):
        # The search-box filters' parameters (Django allows a lookup across
        # two relations, bylines__author__id__exact, only for a listed path).
        own = {
            spec.parameter_name
            for spec in self.list_filter
            if isinstance(spec, type) and issubclass(spec, AutocompleteListFilter)
        }
        return lookup in own or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        # The search index (articles/search.py): LIKE over headline,
        # standfirst and slug read every row, 1 s at 100,000 articles.
        term = search_term.strip()
        if not term:
            return queryset, False
        wanted = Q(slug=term)
        if (words := search.match_q(term)) is not None:
            wanted |= words
        return queryset.filter(wanted), False

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        return EstimatedCountPaginator(queryset, per_page, *args, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if workflow.is_editor(request.user):
            return fieldsets
        # Writers do not set the publish time, so there is nothing to confirm.
        return [
            (name, {**options, "fields": without_backdate(options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["workflow_state"]
        if not workflow.is_editor(request.user):
            # Writers propose; only editors decide when and how prominently.
            readonly += ["publish_at", "featured"]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagSuggestWidget(
                attrs={
                    "data-suggest-url": reverse("admin:articles_article_tags"),
                    "size": 80,
                }
            )
        if db_field.name == "lead_image":
            kwargs["widget"] = ImageChooserWidget(
                db_field.remote_field, self.admin_site
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Permissions: the workflow rules decide, on the server, per article.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return workflow.is_editor(request.user) or (
            obj.status == Status.DRAFT and obj.is_owned_by(request.user)
        )

    # Columns.

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors())

    @admin.display(description="State", ordering="status")
    def state_badge(self, article):
        state, label = workflow_state(article)
        badge = format_html(
            '<span class="state-badge state-{}">{}</span>', state, label
        )
        if state not in ("live", "unpublished"):
            return badge  # a scheduled badge names its time; a draft has none
        # When it went live, under the badge: one column for both, as the
        # headline needs the width (see list_display).
        published = timezone.localtime(article.publish_at)
        return format_html(
            '{}<br><span class="list-time">{} {}</span>',
            badge,
            published.day,
            published.strftime("%b %Y, %H:%M"),
        )

    @admin.display(description="State")
    def workflow_state(self, article):
        if article.pk is None:
            return "Draft (not saved yet)"
        event = article.workflow_events.select_related("user").first()
        _, label = workflow_state(article)
        if event is None:
            return label
        who = event.user.get_username() if event.user else "the system"
        when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        return f"{label} – last step “{event.action}” by {who}, {when}"

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_live() else None

    # Saving: every save is a revision; workflow buttons apply transitions.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_transition" in request.POST:
            name = request.POST["_transition"]
            if name not in workflow.TRANSITIONS:
                raise PermissionDenied
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        step = None
        if name := request.POST.get("_transition"):
            # A time the editor entered now is kept (confirmed if past, see
            # the form); otherwise publishing dates the story now.
            chosen = form.chosen_publish_at() if name == "publish" else None
            # Raises PermissionDenied (403, nothing saved) when not allowed.
            step = workflow.apply(obj, name, user=request.user, publish_at=chosen)
        super().save_model(request, obj, form, change)
        # Saved: the autosaved working copy has done its job.
        autosave.discard(request.user, obj if change else None)
        if step is not None:
            workflow.record(obj, step, user=request.user)
            request.workflow_step = step
            self.message_user(
                request, f"“{obj}”: {step.action} done.", messages.SUCCESS
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        own_profile = getattr(request.user, "author_profile", None)
        if not change and own_profile and not article.bylines.exists():
            ArticleAuthor.objects.create(article=article, author=own_profile)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            for correction in formset.save(commit=False):
                correction.created_by = correction.created_by or request.user
                correction.save()
            for correction in formset.deleted_objects:
                correction.delete()
            return
        super().save_formset(request, form, formset, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        reversion.set_comment("Created.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        logged = entry[0] if isinstance(entry, list) else entry
        comment = logged.get_change_message() or "Saved."
        if step := getattr(request, "workflow_step", None):
            comment = f"{step.transition.label} ({step.action}). {comment}"
        reversion.set_comment(comment)
        return entry

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        # The rich-text editor loads an import map, an inline script: it runs
        # under the Content-Security-Policy only with this request's nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        article = obj or Article(status=Status.DRAFT, created_by=request.user)
        self._offer_working_copy(request, context, obj)
        context["workflow_buttons"] = [
            (t.name, workflow.transition_label(t, article))
            for t in workflow.allowed_transitions(request.user, article)
        ]
        if obj is not None:
            may_change = self.has_change_permission(request, obj)
            context["other_editors"] = presence.note(
                obj.pk, request.user, present=may_change
            )
            if not may_change:
                # The form is read-only: its workflow buttons (a writer's
                # "Withdraw submission") post to a page of their own.
                context["workflow_action_url"] = reverse(
                    "admin:articles_article_transition", args=[obj.pk]
                )
            context["preview_links"] = obj.preview_links.usable()
            context["can_share_preview"] = workflow.can_share_preview(request.user, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _offer_working_copy(self, request, context, obj):
        """Autosave: where the form keeps its unsaved changes, and (on
        opening it) the changes kept from before, if they differ."""
        may_edit = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        if not may_edit:
            return
        context["autosave_url"] = self._autosave_url(obj, "")
        copy = autosave.find(request.user, obj)
        if request.method != "GET" or copy is None:
            return
        form_class = type(context["adminform"].form)
        changes = autosave.differences(copy, form_class, obj)
        if not changes:
            copy.delete()  # nothing in it that is not saved
            return
        context["working_copy"] = copy
        context["working_copy_changes"] = changes
        context["restore_url"] = self._autosave_url(obj, "restore")
        context["discard_url"] = self._autosave_url(obj, "discard")

    @staticmethod
    def _autosave_url(obj, action):
        name = f"admin:articles_article_autosave{'_' + action if action else ''}"
        return reverse(name, kwargs={"pk": obj.pk} if obj is not None else {})

    def response_change(self, request, obj):
        if "_transition" in request.POST:
            return redirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    # Extra pages: tag suggestions, presence, previews, history.

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("tags/", view(self.tag_suggestions), name="articles_article_tags"),
            *[
                path(
                    f"{prefix}autosave/{action}",
                    view(handler),
                    name=f"articles_article_autosave{name}",
                )
                for prefix in ["", "<int:pk>/"]
                for action, handler, name in [
                    ("", self.keep_working_copy, ""),
                    ("restore/", self.restore_working_copy, "_restore"),
                    ("discard/", self.discard_working_copy, "_discard"),
                ]
            ],
            path(
                "<int:pk>/editing/",
                view(self.still_editing),
                name="articles_article_editing",
            ),
            path(
                "<int:pk>/workflow/",
                view(self.apply_transition),
                name="articles_article_transition",
            ),
            path(
                "<int:pk>/preview/",
                view(self.preview),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/preview-links/",
                view(self.create_preview_link),
                name="articles_article_previewlink_add",
            ),
            path(
                "<int:pk>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link),
                name="articles_article_previewlink_revoke",
            ),
            path(
                "<int:pk>/history/compare/",
                view(self.compare_revisions),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/history/<int:version_id>/restore/",
                view(self.restore_revision),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, pk, *, edit=False):
        article = get_object_or_404(Article, pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if edit
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def tag_suggestions(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        names = (
            Tag.objects.filter(name__istartswith=term).order_by("name")
            if term
            else Tag.objects.none()
        )
        return JsonResponse({"tags": list(names.values_list("name", flat=True)[:10])})

    @method_decorator(never_cache)
    def still_editing(self, request, pk):
        """The edit page's heartbeat: who else has it open, and whether they
        changed anything; the caller counts only if it may change it."""
        article = self._article(request, pk)
        others = presence.note(
            article.pk,
            request.user,
            present=self.has_change_permission(request, article),
            editing=request.GET.get("editing") == "1",
        )
        return JsonResponse({"others": others})

    # Autosave (articles/autosave.py): the editor's own working copy.

    def _editable(self, request, pk):
        """The article to keep changes of (None: a new one), if allowed."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        return self._article(request, pk, edit=True)

    @method_decorator(require_POST)
    def keep_working_copy(self, request, pk=None):
        article = self._editable(request, pk)
        try:
            copy = autosave.store(request.user, article, request.POST)
        except autosave.TooLarge as error:
            return JsonResponse({"error": str(error)}, status=413)
        saved_at = timezone.localtime(copy.saved_at).strftime("%H:%M:%S")
        return JsonResponse({"saved_at": saved_at})

    @method_decorator(require_POST)
    def restore_working_copy(self, request, pk=None):
        """Open the form with the kept changes in it, as if just posted; the
        form refuses to save that post (articles/forms.py), the editor saves."""
        article = self._editable(request, pk)
        copy = autosave.find(request.user, article)
        form_url = (
            reverse("admin:articles_article_change", args=[pk])
            if pk
            else reverse("admin:articles_article_add")
        )
        if copy is None:
            self.message_user(
                request, "There are no unsaved changes to restore.", messages.INFO
            )
            return redirect(form_url)
        request._post = autosave.as_posted(copy)
        object_id = str(pk) if pk else None
        return self.changeform_view(request, object_id, form_url=form_url)

    @method_decorator(require_POST)
    def discard_working_copy(self, request, pk=None):
        article = self._editable(request, pk)
        autosave.discard(request.user, article)
        self.message_user(request, "The unsaved changes are discarded.")
        if pk is None:
            return redirect(reverse("admin:articles_article_add"))
        return redirect(reverse("admin:articles_article_change", args=[pk]))

    @method_decorator(require_POST)
    def apply_transition(self, request, pk):
        """Take a workflow step without saving content, from a read-only
        form (workflow.apply checks who may take which step)."""
        article = self._article(request, pk)
        name = request.POST.get("_transition", "")
        if name not in workflow.TRANSITIONS:
            raise PermissionDenied
        step = workflow.transition(article, name, user=request.user)
        self.message_user(
            request, f"“{article}”: {step.action} done.", messages.SUCCESS
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    @method_decorator(never_cache)
    def preview(self, request, pk):
        """Show the article as readers will see it: saved, or the form's changes."""
        article = self._article(request, pk)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            form_class = self.get_form(request, article, change=True)
            article, tags = unsaved_preview(form_class, request, article)
            return render_preview(request, article, tags=tags)
        return render_preview(request, article)

    @method_decorator(require_POST)
    def create_preview_link(self, request, pk):
        article = self._article(request, pk)
        if not workflow.can_share_preview(request.user, article):
            raise PermissionDenied
        try:
            hours = int(request.POST.get("hours") or PREVIEW_LINK_HOURS)
        except ValueError:
            hours = PREVIEW_LINK_HOURS
        hours = max(1, min(hours, 24 * 30))
        link = PreviewLink.objects.create(
            article=article,
            created_by=request.user,
            expires_at=timezone.now() + timedelta(hours=hours),
        )
        url = request.build_absolute_uri(link.get_absolute_url())
        self.message_user(
            request,
            format_html(
                "Preview link (valid for {} hours): <code>{}</code>", hours, url
            ),
            messages.SUCCESS,
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    @method_decorator(require_POST)
    def revoke_preview_link(self, request, pk, link_id):
        article = self._article(request, pk)
        if not workflow.can_share_preview(request.user, article):
            raise PermissionDenied
        link = get_object_or_404(article.preview_links, pk=link_id)
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        self.message_user(
            request, "The preview link no longer works.", messages.SUCCESS
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def history_view(self, request, object_id, extra_context=None):
        article = self._article(request, object_id)
        versions = list(revisions.versions_of(article))
        rows = [
            {
                "version": v,
                "previous": versions[i + 1] if i + 1 < len(versions) else None,
            }
            for i, v in enumerate(versions)
        ]
        context = {
            "revision_rows": rows,
            "workflow_events": article.workflow_events.select_related("user"),
            "can_restore": self.has_change_permission(request, article),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    def compare_revisions(self, request, pk):
        article = self._article(request, pk)
        versions = revisions.versions_of(article)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new_id = request.GET.get("to", "current")
            new = None if new_id == "current" else versions.get(pk=int(new_id))
        except (ValueError, versions.model.DoesNotExist) as error:
            raise Http404("No such revision.") from error
        new_snapshot = (
            revisions.current_snapshot(article)
            if new is None
            else revisions.snapshot(new)
        )
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": f"Compare revisions of “{article}”",
                "old": old,
                "new": new,
                "changes": revisions.compare(revisions.snapshot(old), new_snapshot),
                "can_restore": self.has_change_permission(request, article),
            },
        )

    @method_decorator(require_POST)
    def restore_revision(self, request, pk, version_id):
        article = self._article(request, pk, edit=True)
        version = get_object_or_404(revisions.versions_of(article), pk=version_id)
        readers_see_it = article.is_live() or article.is_scheduled()
        if readers_see_it and request.POST.get("confirm") != "yes":
            # Readers see a live article's restored content at once: ask.
            return TemplateResponse(
                request,
                "admin/articles/article/restore_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "original": article,
                    "version": version,
                    "title": f"Restore an old revision of “{article}”?",
                    "changes": revisions.compare(
                        revisions.current_snapshot(article),
                        revisions.snapshot(version),
                    ),
                },
            )
        revisions.restore(article, version, user=request.user)
        self.message_user(
            request,
            "The old revision's content is back, saved as a new revision.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    # Bulk actions run as a task (articles/bulk.py): the editor gets
    # "queued" at once, and the report on the list once the task is done.

    BULK_SESSION_KEY = "articles-bulk-actions"

    def _queue(self, request, queryset, action, argument=None):
        ids = list(queryset.values_list("pk", flat=True))
        result = bulk.run_bulk_action.enqueue(action, ids, request.user.pk, argument)
        what = bulk.describe(action, argument)
        noun = "article" if len(ids) == 1 else "articles"
        self.message_user(
            request,
            f"Queued: {len(ids)} {noun} to be {what}. "
            "The result shows here when it is done.",
            messages.INFO,
        )
        if not self._report_if_finished(request, result):
            pending = request.session.get(self.BULK_SESSION_KEY, [])
            request.session[self.BULK_SESSION_KEY] = [*pending, str(result.id)]

    def _report_if_finished(self, request, result):
        if result.status == TaskResultStatus.SUCCESSFUL:
            report = result.return_value
            level = messages.WARNING if report["skipped"] else messages.SUCCESS
            self.message_user(request, bulk.report_text(report), level)
            return True
        if result.status == TaskResultStatus.FAILED:
            self.message_user(
                request,
                "A bulk action failed; an administrator sees why under Task results.",
                messages.ERROR,
            )
            return True
        return False

    def _report_finished_bulk_actions(self, request):
        pending = request.session.get(self.BULK_SESSION_KEY)
        if not pending:
            return
        still = []
        for result_id in pending:
            try:
                result = bulk.run_bulk_action.get_result(result_id)
            except TaskResultDoesNotExist:  # pruned meanwhile: nothing to say
                continue
            if not self._report_if_finished(request, result):
                still.append(result_id)
        request.session[self.BULK_SESSION_KEY] = still

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._report_finished_bulk_actions(request)
            self._warn_if_no_worker(request)
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "media" in context:
            # The filters' search boxes: the admin's autocomplete widget (its
            # select2 translation is the request's language).
            context["media"] += AutocompleteSelect(None, self.admin_site).media
            context["media"] += forms.Media(
                js=[
                    "admin/js/jquery.init.js",
                    "admin/js/autocomplete.js",
                    "admin-extra/list-filter-autocomplete.js",
                ]
            )
        return response

    def _warn_if_no_worker(self, request):
        stalled = stalled_task_count()
        if stalled:
            self.message_user(
                request,
                f"{stalled} background tasks (related posts, image sizes, bulk "
                "actions) have waited for over five minutes: is a task worker "
                "running? (manage.py run_worker, see docs/operations.md)",
                messages.WARNING,
            )

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._queue(request, queryset, "publish")

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._queue(request, queryset, "unpublish")

    def _choice_page(self, request, queryset, form, action, title):
        return TemplateResponse(
            request,
            "admin/articles/article/bulk_choice.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "form": form,
                "action": action,
                "articles": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description="Move selected articles to a section", permissions=["change"]
    )
    def move_to_section(self, request, queryset):
        form = SectionChoiceForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._choice_page(
                request, queryset, form, "move_to_section", "Move articles to a section"
            )
        self._queue(request, queryset, "move", form.cleaned_data["section"].pk)
        return None

    @admin.action(description="Add a tag to selected articles", permissions=["change"])
    def add_tag(self, request, queryset):
        form = TagChoiceForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._choice_page(
                request, queryset, form, "add_tag", "Add a tag to articles"
            )
        self._queue(request, queryset, "tag", form.cleaned_data["tag"].strip())
        return None


def without_backdate(fields):
    return [name for name in fields if name != "confirm_backdate"]


def workflow_state(article):
    """Return (css state, label) for the article's place in the workflow."""
    if article.is_live():
        return "live", "Live"
    if article.is_scheduled():
        return "scheduled", f"Scheduled for {workflow.zoned_time(article.publish_at)}"
    return article.status, article.get_status_display()

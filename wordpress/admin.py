from django.contrib import admin, messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join

from newsroom.background import enqueue_on_commit

from .models import ImportRun
from .report import summary_lines
from .tasks import run_import

# Rows of each list the page shows; the JSON report has them all.
SHOWN_ROWS = 200


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Administrators upload an export (and a zip of uploads); a worker
    imports it; the page shows its progress, then its report."""

    list_display = ["__str__", "status", "dry_run", "created_by", "finished_at"]
    list_filter = ["status", "dry_run"]
    fields = ["export", "uploads", "dry_run"]
    readonly_fields = [
        "status",
        "progress",
        "error",
        "created_by",
        "created_at",
        "finished_at",
        "report_summary",
        "missing_media",
        "skipped_items",
        "warnings",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return ["export", "dry_run", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["export", "dry_run", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False  # a run is started, then only read

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        enqueue_on_commit(run_import, obj.pk)

    def response_add(self, request, obj, post_url_continue=None):
        # To the run's page, to watch its progress and read its report.
        self.message_user(request, "The import has started.", messages.SUCCESS)
        return redirect("admin:wordpress_importrun_change", obj.pk)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        # While the run waits or runs, its page reloads itself (no script).
        context["refresh_seconds"] = (
            3
            if obj is not None
            and obj.status in (ImportRun.Status.WAITING, ImportRun.Status.RUNNING)
            else None
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description="progress")
    def progress(self, obj):
        if obj.status == ImportRun.Status.DONE:
            return "All items read."
        done_total = cache.get(obj.progress_key())
        if not done_total:
            return "Not started yet." if obj.status == ImportRun.Status.WAITING else "—"
        # (done, total, step); runs started before steps were noted: a pair.
        done, total, step = (*done_total, "items imported")[:3]
        return format_html(
            '<progress max="{}" value="{}"></progress> {} of {} {}',
            total,
            done,
            done,
            total,
            step,
        )

    @admin.display(description="report")
    def report_summary(self, obj):
        if not obj.report:
            return "—"
        return format_html(
            '<pre class="wordpress-report">{}</pre>',
            "\n".join(summary_lines(obj.report, missing=0)),
        )

    @admin.display(description="missing files")
    def missing_media(self, obj):
        rows = (obj.report or {}).get("missing_media", [])
        return _table(
            ["WordPress id", "address", "looked for"],
            [(row["id"], row["url"], row["path"]) for row in rows],
        )

    @admin.display(description="skipped")
    def skipped_items(self, obj):
        rows = (obj.report or {}).get("skipped", [])
        return _table(
            ["type", "WordPress id", "title", "reason"],
            [(row["type"], row["id"], row["title"], row["reason"]) for row in rows],
        )

    @admin.display(description="warnings")
    def warnings(self, obj):
        rows = (obj.report or {}).get("warnings", [])
        return _table(
            ["kind", "type", "WordPress id", "detail"],
            [(row["kind"], row["type"], row["id"], row["detail"]) for row in rows],
        )


def _table(headings, rows):
    if not rows:
        return "None."
    more = len(rows) - SHOWN_ROWS
    return format_html(
        "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}",
        format_html_join("", "<th>{}</th>", ((heading,) for heading in headings)),
        format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),)
                for row in rows[:SHOWN_ROWS]
            ),
        ),
        format_html("<p>… and {} more in the JSON report.</p>", more)
        if more > 0
        else "",
    )

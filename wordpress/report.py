"""The fidelity report: what became of every item of a WordPress export."""

from collections import Counter, defaultdict

# What can become of an item, by its type: every item gets exactly one.
POST_OUTCOMES = ("imported", "updated", "unchanged", "skipped")
ATTACHMENT_OUTCOMES = ("imported", "updated", "unchanged", "missing", "skipped")
OTHER_OUTCOMES = ("not_imported",)
# What is computed after the import (wordpress/derived.py), in its order.
PAGE_COPIES, RELATED_LISTS, RENDITIONS = "page copies", "related lists", "renditions"
COMPUTED_STEPS = (PAGE_COPIES, RELATED_LISTS, RENDITIONS)


class Report:
    def __init__(self, *, source="", dry_run=False):
        self.source = source
        self.dry_run = dry_run
        self.site = {}
        # Items by type as the export holds them (counted while validating).
        self.in_file = Counter()
        # Items by type as they were read again to be imported.
        self.read = Counter()
        self.outcomes = defaultdict(Counter)
        self.post_statuses = Counter()
        self.skipped = []
        self.warnings = []
        self.missing_media = []
        self.authors = Counter()
        self.sections = Counter()
        self.categories = Counter()
        self.tags = Counter()
        self.comments = 0
        self.not_imported_meta = Counter()
        self.not_imported_terms = Counter()
        self.old_urls = Counter()
        # What was computed after the commit: {step: {"count", "seconds"}}.
        self.computed = {}

    def outcome(self, item, outcome, reason=""):
        """Record what became of an item (once per item)."""
        self.outcomes[item.post_type][outcome] += 1
        if reason:
            self.skipped.append(
                {
                    "type": item.post_type,
                    "id": item.post_id,
                    "title": item.title,
                    "outcome": outcome,
                    "reason": reason,
                }
            )

    def warn(self, kind, item, detail):
        self.warnings.append(
            {"kind": kind, "type": item.post_type, "id": item.post_id, "detail": detail}
        )

    def accounted(self):
        return sum(sum(counts.values()) for counts in self.outcomes.values())

    def problems(self):
        """Return why the numbers do not add up, or an empty list if they do."""
        problems = []
        total = sum(self.in_file.values())
        if sum(self.read.values()) != total:
            problems.append(
                f"{total} items were counted in the file, {sum(self.read.values())} "
                "read again to import"
            )
        for post_type in sorted(set(self.in_file) | set(self.outcomes)):
            counted = sum(self.outcomes[post_type].values())
            if counted != self.in_file[post_type]:
                problems.append(
                    f"{post_type}: {self.in_file[post_type]} in the file, "
                    f"{counted} accounted for"
                )
        return problems

    def as_dict(self):
        by_type = {
            post_type: {"in_file": self.in_file[post_type], **self.outcomes[post_type]}
            for post_type in sorted(set(self.in_file) | set(self.outcomes))
        }
        warning_counts = Counter(warning["kind"] for warning in self.warnings)
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "site": self.site,
            "items": {
                "in_file": sum(self.in_file.values()),
                "accounted_for": self.accounted(),
                "by_type": by_type,
            },
            "posts_by_status": dict(sorted(self.post_statuses.items())),
            "authors": dict(self.authors),
            "categories": dict(self.categories),
            "sections": dict(self.sections),
            "tags": dict(self.tags),
            "old_urls": dict(self.old_urls),
            "comments_not_imported": self.comments,
            "meta_not_imported": dict(sorted(self.not_imported_meta.items())),
            "terms_not_imported": dict(sorted(self.not_imported_terms.items())),
            "warnings_by_kind": dict(sorted(warning_counts.items())),
            "missing_media": self.missing_media,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "problems": self.problems(),
            "computed_after_import": self.computed,
        }

    def summary_lines(self):
        """Return the report as lines of text for a terminal."""
        return summary_lines(self.as_dict())


def summary_lines(data, *, missing=20):
    """Return a report (as `Report.as_dict()` gives it) as lines of text,
    with up to `missing` of the missing files."""
    items = data["items"]
    lines = [
        f"{'Dry run: nothing was written. ' if data['dry_run'] else ''}"
        f"{items['in_file']} items in the file, {items['accounted_for']} "
        "accounted for.",
    ]
    for post_type, counts in items["by_type"].items():
        outcomes = ", ".join(
            f"{name.replace('_', ' ')} {number}"
            for name, number in counts.items()
            if name != "in_file" and number
        )
        lines.append(f"  {post_type}: {counts['in_file']} ({outcomes})")
    for title, key in [
        ("Posts by status", "posts_by_status"),
        ("Authors", "authors"),
        ("Categories", "categories"),
        ("Sections", "sections"),
        ("Tags", "tags"),
        ("Old addresses", "old_urls"),
        ("Warnings", "warnings_by_kind"),
    ]:
        if data[key]:
            values = ", ".join(
                f"{name.replace('_', ' ')} {number}"
                for name, number in data[key].items()
            )
            lines.append(f"{title}: {values}")
    lines.append(f"Comments (not imported): {data['comments_not_imported']}")
    computed = data.get("computed_after_import") or {}
    if computed:
        lines.append(
            "Computed after the import: "
            + ", ".join(
                f"{step} {computed[step]['count']} ({computed[step]['seconds']} s)"
                # In order: a stored report (jsonb) may keep its keys sorted.
                for step in COMPUTED_STEPS
                if step in computed
            )
        )
    shown = data["missing_media"][:missing]
    lines += [f"  missing: {m['url']} (looked for {m['path']})" for m in shown]
    if len(data["missing_media"]) > len(shown):
        more = len(data["missing_media"]) - len(shown)
        lines.append(f"  … and {more} more missing files")
    lines += [f"PROBLEM: {problem}" for problem in data["problems"]]
    return lines

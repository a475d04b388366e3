"""Bulk actions over many articles, run as a task so that the editor does not wait.

The admin action checks the request and enqueues `run_bulk_action` with the
selected ids and the editor's id; the task checks each article on its own
(the editor may change this one? may this transition happen?), applies the
change as a revision, and returns a report that the admin shows the editor
when it is done (ArticleAdmin.changelist_view). Running it again does no
harm: an article already in the target state is reported as skipped.
"""

from collections import Counter

import reversion

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from newsroom.background import retried_task

from . import workflow
from .models import Article


def _transition(name, verb):
    step = workflow.TRANSITIONS[name]

    def run(article, user, argument):
        if article.status not in step.sources:
            already = article.status == step.target
            return f"already {verb}" if already else "not possible"
        try:
            workflow.transition(article, name, user=user)
        except PermissionDenied:
            return "not allowed"
        return None

    return run


def _edit(change):
    def run(article, user, argument):
        if not workflow.can_edit(user, article):
            return "not allowed"
        with reversion.create_revision():
            change(article, argument)
            reversion.set_user(user)
            reversion.set_comment(f"Bulk action: {describe(run.name, argument)}.")
        return None

    return run


def _move(article, section_id):
    article.section_id = section_id
    article.save()


def _tag(article, name):
    article.tags.add(name)
    article.save()


# name -> (what to do to one article, returning why it was skipped or None;
#          how the report names it)
ACTIONS = {
    "publish": (_transition("publish", "published"), "published"),
    "unpublish": (_transition("unpublish", "unpublished"), "unpublished"),
    "move": (_edit(_move), "moved to {section}"),
    "tag": (_edit(_tag), "tagged “{argument}”"),
}
for _name, (_run, _) in ACTIONS.items():
    _run.name = _name


def describe(action, argument):
    """Return how a report names what the action did, e.g. "tagged “Budget”"."""
    template = ACTIONS[action][1]
    section = None
    if "{section}" in template:
        Section = Article._meta.get_field("section").related_model
        section = Section.objects.filter(pk=argument).first()
    return template.format(argument=argument, section=section)


@retried_task()
def run_bulk_action(action, article_ids, user_id, argument=None):
    """Apply a bulk action to each article the user may change; return the
    report: {"done": n, "verb": "...", "skipped": {reason: n}}."""
    run, _ = ACTIONS[action]
    user = get_user_model().objects.get(pk=user_id)
    done, skipped = 0, Counter()
    with transaction.atomic():
        for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
            reason = run(article, user, argument)
            if reason is None:
                done += 1
            else:
                skipped[reason] += 1
    return {
        "done": done,
        "verb": describe(action, argument),
        "skipped": dict(skipped),
    }


def report_text(report):
    """Return the sentence an editor reads, e.g. "3 published, 1 skipped: …"."""
    parts = [f"{report['done']} {report['verb']}"]
    parts += [f"{n} skipped: {reason}" for reason, n in report["skipped"].items()]
    return ", ".join(parts) + "."

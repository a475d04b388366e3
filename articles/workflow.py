"""The editorial workflow: which step each role may take, in one place.

    draft ──submit──▶ in review ──publish──▶ published ──unpublish──▶ unpublished
      ▲                  │                   (scheduled while its
      └─return/withdraw──┘                    time is in the future)

Writers create articles, edit their own drafts, submit them and may withdraw
a submission to work on it again. Editors (the
`articles.publish_article` permission) edit any article and publish, schedule,
unpublish and correct. Every step is recorded as a WorkflowEvent.
"""

from dataclasses import dataclass

import reversion

from django.core.exceptions import PermissionDenied
from django.db import transaction as db_transaction
from django.utils import timezone

from .models import Article, WorkflowEvent

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"


def is_editor(user):
    """Return True if the user may publish and edit any article."""
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, article):
    """Return True if the user may change the article's content."""
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and article.is_owned_by(user)


def can_submit(user, article):
    """Return True if the user may send the article for review."""
    return can_edit(user, article)


def can_share_preview(user, article):
    """Return True if the user may create or revoke preview links for the article."""
    return user.has_perm("articles.add_previewlink") and (
        is_editor(user) or article.is_owned_by(user)
    )


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    allowed: object  # (user, article) -> bool

    def is_allowed(self, user, article):
        return article.status in self.sources and self.allowed(user, article)


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit for review",
            frozenset({Status.DRAFT, Status.UNPUBLISHED}),
            Status.REVIEW,
            can_submit,
        ),
        Transition(
            # The writer takes a submission back to work on it more.
            "withdraw",
            "Withdraw submission",
            frozenset({Status.REVIEW}),
            Status.DRAFT,
            lambda user, article: (
                not is_editor(user)
                and user.has_perm("articles.change_article")
                and article.is_owned_by(user)
            ),
        ),
        Transition(
            "return",
            "Return to draft",
            frozenset({Status.REVIEW}),
            Status.DRAFT,
            lambda user, article: is_editor(user),
        ),
        Transition(
            "publish",
            "Publish",
            frozenset({Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}),
            Status.PUBLISHED,
            lambda user, article: is_editor(user),
        ),
        Transition(
            "unpublish",
            "Unpublish",
            frozenset({Status.PUBLISHED}),
            Status.UNPUBLISHED,
            lambda user, article: is_editor(user),
        ),
    ]
}


def allowed_transitions(user, article):
    """Return the transitions the user may apply to the article now."""
    return [t for t in TRANSITIONS.values() if t.is_allowed(user, article)]


def transition_label(transition, article):
    """Return the button text, e.g. "Schedule for Tue 5 Dec, 09:00
    (Europe/London)" for a future publish time."""
    if transition.name == "publish" and article.publish_at > timezone.now():
        return f"Schedule for {zoned_time(article.publish_at)}"
    return transition.label


def zoned_time(moment):
    """Return a time as editors read it: "Tue 5 Dec, 09:00 (Europe/London)"."""
    local = timezone.localtime(moment)
    return (
        f"{local:%a} {local.day} {local:%b, %H:%M} "
        f"({timezone.get_current_timezone_name()})"
    )


@dataclass(frozen=True)
class Step:
    """A transition applied to an article in memory, to be saved and recorded."""

    transition: Transition
    previous: str
    action: str


def apply(article, name, *, user, publish_at=None):
    """Change the article's status by the named transition, without saving.

    `user=None` is the system itself (management commands, demo loading).
    Raises PermissionDenied when the article or the user does not allow it.
    """
    step = TRANSITIONS[name]
    if article.status not in step.sources:
        raise PermissionDenied(
            f"“{step.label}” is not possible for an article that is "
            f"{article.get_status_display().lower()}."
        )
    if user is not None and not step.allowed(user, article):
        raise PermissionDenied(f"You may not {step.label.lower()} this article.")
    previous = article.status
    article.status = step.target
    if publish_at is not None:
        article.publish_at = publish_at
    elif name == "publish" and is_first_publication(previous, article):
        # A story is dated when it is published: the publish time a draft
        # got when it was created is not a choice (a future one is).
        article.publish_at = timezone.now()
    action = name
    if name == "publish" and article.publish_at > timezone.now():
        action = "schedule"
    return Step(step, previous, action)


# Statuses of an article that was never published.
FIRST_PUBLICATION = frozenset({Status.DRAFT, Status.REVIEW})


def is_first_publication(status, article):
    """Return True if publishing an article that was in `status` dates it:
    it was never published, and (now published) it is not scheduled."""
    return status in FIRST_PUBLICATION and not article.is_scheduled()


def record(article, step, *, user, note=""):
    """Record a saved step in the article's workflow history."""
    return WorkflowEvent.objects.create(
        article=article,
        action=step.action,
        from_status=step.previous,
        to_status=step.transition.target,
        user=user,
        note=note,
    )


def transition(article, name, *, user, publish_at=None, note=""):
    """Apply the named transition, save the article as a revision, record it."""
    step = apply(article, name, user=user, publish_at=publish_at)
    with db_transaction.atomic(), reversion.create_revision():
        article.save()
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(f"{step.transition.label} ({step.action}).")
        record(article, step, user=user, note=note)
    return step

"""Fetch-and-check gateways for comments on draft briefs.

Comment rights follow draft reading exactly (``evidence.selectors.briefs.reads_drafts``):
the learning partner always, every accepted party when the partnership learns *with*
its parties. Anyone else gets ``Http404`` on a brief's comments, as for its draft: an
outsider, and in *learning for* mode the funder and the grantees — even once the brief
is published, because the comments were written on the draft, for its readers. Only the
learning partner resolves comments, and only its author changes or deletes a comment;
another reader asking to gets ``Forbidden``.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from accounts.models import User
from evidence.access.briefs import BriefAction, access_brief
from evidence.models import BriefComment, InsightBrief
from evidence.selectors.briefs import is_learning_partner, reads_drafts
from learnhub.errors import Forbidden
from partnerships.models import Party
from partnerships.selectors import my_parties_in


class CommentAction(StrEnum):
    VIEW = "view"
    RESOLVE = "resolve"
    CHANGE = "change"


def access_brief_comments(*, user: User, pk: int) -> InsightBrief:
    """The brief ``pk`` if ``user`` may read and write its comments (a reader of its
    partnership's drafts); otherwise ``Http404``."""
    brief = access_brief(user=user, pk=pk, action=BriefAction.VIEW)
    if not reads_drafts(user=user, partnership=brief.partnership):
        raise Http404("No such brief.")
    return brief


def access_comment(*, user: User, pk: int, action: CommentAction) -> BriefComment:
    """The comment ``pk`` if ``user`` may read its brief's comments, and for ``RESOLVE``
    is in the learning partner, for ``CHANGE`` wrote it (another reader → ``Forbidden``)."""
    brief_id = BriefComment.objects.filter(pk=pk).values_list("brief_id", flat=True).first()
    if brief_id is None:
        raise Http404("No such comment.")
    brief = access_brief_comments(user=user, pk=brief_id)
    if action == CommentAction.RESOLVE and not is_learning_partner(
        user=user, partnership=brief.partnership
    ):
        raise Forbidden("Only the learning partner can resolve comments.")
    comment = BriefComment.objects.select_related(
        "author", "party__organisation", "resolved_by"
    ).get(pk=pk)
    comment.brief = brief
    if action == CommentAction.CHANGE and comment.author_id != user.pk:
        raise Forbidden("Only its author can change or delete a comment.")
    return comment


def commenting_party(*, user: User, brief: InsightBrief) -> Party:
    """The party ``user`` comments for: their organisation's accepted party in the brief's
    partnership (the learning partner's first, should they belong to two)."""
    party = (
        my_parties_in(user=user, partnership=brief.partnership)
        .filter(status=Party.Status.ACCEPTED)
        .select_related("organisation")
        .order_by("-role", "pk")
        .first()
    )
    if party is None:  # the gateway let through only accepted parties
        raise Http404("No such brief.")
    return party

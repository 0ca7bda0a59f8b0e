"""Gateways of the codebook and its excerpts.

Rules: someone outside the partnership (or only invited to it) gets ``Http404``, as does
anyone asking for an excerpt of an item they may not see (an excerpt is evidence). Every
accepted party reads the codebook; only those who edit it (``edits_codebook``: the
learning partner's people, and everyone's in *learning with* mode) add, change, merge or
delete codes and code evidence: others get ``Forbidden`` saying so. An excerpt is
changed or deleted by its author or by the codebook's editors.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from accounts.models import User
from evidence.access.items import EvidenceAction, access_evidence
from evidence.models import Code, Evidence, EvidenceAttachment, Excerpt
from evidence.selectors.coding import edits_codebook, excerpt_for
from learnhub.errors import Forbidden
from partnerships.access import PartnershipAction, access_partnership
from partnerships.models import Partnership


class CodingAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"


EDIT_REFUSAL = (
    "Only the learning partner’s people can change the codebook and code evidence, "
    "because this partnership learns for its parties. In “learning with” mode every "
    "party can."
)
EXCERPT_REFUSAL = (
    "Only the person who made this excerpt, or those who can change the codebook, can "
    "change or delete it."
)


def _check(*, user: User, partnership: Partnership, action: CodingAction) -> bool:
    editor = edits_codebook(user=user, partnership=partnership)
    if CodingAction(action) is CodingAction.EDIT and not editor:
        raise Forbidden(EDIT_REFUSAL)
    return editor


def access_codebook(*, user: User, pk: int, action: CodingAction) -> Partnership:
    """The partnership ``pk`` if ``user`` may read its codebook (``VIEW``) or change it
    (``EDIT``). The result carries ``edits_codebook``."""
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
    partnership.edits_codebook = _check(  # type: ignore[attr-defined]  # set for the caller
        user=user, partnership=partnership, action=action
    )
    return partnership


def access_code(*, user: User, pk: int, action: CodingAction) -> Code:
    """Code ``pk`` (with its partnership, carrying ``edits_codebook``) if ``user`` may
    read it or change it."""
    partnership_id = Code.objects.filter(pk=pk).values_list("partnership_id", flat=True).first()
    if partnership_id is None:
        raise Http404("No such code.")
    partnership = access_codebook(user=user, pk=partnership_id, action=CodingAction.VIEW)
    code = Code.objects.select_related("parent").get(pk=pk)
    _check(user=user, partnership=partnership, action=action)
    code.partnership = partnership
    return code


def access_evidence_coding(*, user: User, pk: int, action: CodingAction) -> Evidence:
    """The item ``pk`` if ``user`` may see it (else 404) and, for ``EDIT``, code it. The
    item's partnership carries ``edits_codebook``."""
    evidence = access_evidence(user=user, pk=pk, action=EvidenceAction.VIEW)
    partnership = access_codebook(user=user, pk=evidence.partnership_id, action=CodingAction.VIEW)
    _check(user=user, partnership=partnership, action=action)
    evidence.partnership = partnership
    return evidence


def access_attachment_coding(
    *, user: User, evidence_pk: int, attachment_pk: int, action: CodingAction
) -> EvidenceAttachment:
    """A file of the item ``evidence_pk`` if ``user`` may see the item (else 404, as for a
    file of another item) and, for ``EDIT``, code it. Its item carries its partnership
    with ``edits_codebook``."""
    evidence = access_evidence_coding(user=user, pk=evidence_pk, action=action)
    attachment = EvidenceAttachment.objects.filter(evidence=evidence, pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such file.")
    attachment.evidence = evidence
    return attachment


def access_excerpt(*, user: User, pk: int, action: CodingAction) -> Excerpt:
    """Excerpt ``pk`` if ``user`` may see its item (else 404) and, for ``EDIT``, is its
    author or edits the codebook. The excerpt's item's partnership carries
    ``edits_codebook``."""
    evidence_id = Excerpt.objects.filter(pk=pk).values_list("evidence_id", flat=True).first()
    if evidence_id is None:
        raise Http404("No such excerpt.")
    evidence = access_evidence_coding(user=user, pk=evidence_id, action=CodingAction.VIEW)
    excerpt = excerpt_for(pk=pk)
    if excerpt is None:
        raise Http404("No such excerpt.")
    editor = evidence.partnership.edits_codebook  # type: ignore[attr-defined]  # gateway-set
    if CodingAction(action) is CodingAction.EDIT and not (editor or excerpt.author_id == user.pk):
        raise Forbidden(EXCERPT_REFUSAL)
    excerpt.evidence = evidence
    return excerpt

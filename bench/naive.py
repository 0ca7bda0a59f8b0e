"""The naive baseline: the same answers as LearnHub's real code, written the obvious way.

Nothing here is used by the product. It exists so ``manage.py bench`` can show, in the
same run on the same data, what the real code's set-based queries buy:

- the evidence list finds the partnership with guardian's generic
  ``get_objects_for_user``, walks every item of the partnership checking the object
  permission (a fresh ``ObjectPermissionChecker``) and the party's consent row by row in
  Python, pages the resulting list, and serialises it with nested ``ModelSerializer``s
  and no ``select_related``/``prefetch_related``;
- brief drafting loads the period's items one by one, asking for each item's party,
  consent, questions and attribution separately, and stores each citation with its own
  ``add``.

The rules are the real ones (``consent.selectors.SHARING_NEEDS``, the same drafting
engine ``evidence.synthesis``), so the bench can check that both give the same answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user, get_perms
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from consent.models import ConsentRecord, ConsentState
from consent.selectors import SHARING_NEEDS, attribution_text
from evidence import synthesis
from evidence.kinds import prompt_answers
from evidence.models import Evidence, EvidenceAttachment, InsightBrief, LearningAction
from evidence.periods import Period, london_start_of, periods_up_to
from evidence.schema import FIELD_NAMES
from evidence.selectors.briefs import SERIES_PERIODS, action_done
from learnhub.api import Pagination
from notifications.services import notify
from partnerships.models import (
    Organisation,
    Partnership,
    Party,
    QuestionResponse,
    ResearchQuestion,
)
from partnerships.services import activity_record

Purpose = ConsentRecord.Purpose
ACCEPTED = Party.Status.ACCEPTED


def _consents(party: Party, purpose: str) -> bool:
    return ConsentState.objects.filter(party=party, purpose=purpose, granted=True).exists()


# --- The evidence list -------------------------------------------------------------------


class NaiveOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind")


class NaivePartySerializer(serializers.ModelSerializer[Party]):
    organisation = NaiveOrganisationSerializer()

    class Meta:
        model = Party
        fields = ("id", "organisation", "role")


class NaiveAttachmentSerializer(serializers.ModelSerializer[EvidenceAttachment]):
    class Meta:
        model = EvidenceAttachment
        fields = ("id", "original_name", "content_type", "size", "sha256")


class NaiveEvidenceSerializer(serializers.ModelSerializer[Evidence]):
    party = NaivePartySerializer()
    questions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]
    attachments = NaiveAttachmentSerializer(many=True)
    submitted_by = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = (
            "id",
            "partnership",
            "party",
            *FIELD_NAMES,
            "attachments",
            "submitted_by",
            "can_change",
            "created_at",
            "updated_at",
        )

    def _mine(self, evidence: Evidence) -> bool:
        user = self.context["request"].user
        party = evidence.party
        return (
            party.status == ACCEPTED
            and user.groups.filter(pk=party.organisation.members_group_id).exists()
            and "contribute_partnership"
            in get_perms(party.organisation.members_group, evidence.partnership)
        )

    def get_submitted_by(self, evidence: Evidence) -> dict[str, Any] | None:
        if evidence.submitted_by is None or not self._mine(evidence):
            return None
        return {"id": evidence.submitted_by.pk, "name": evidence.submitted_by.display_name}

    def get_can_change(self, evidence: Evidence) -> bool:
        return self._mine(evidence)


def naive_viewing_parties(user: User, partnership: Partnership) -> list[Party]:
    """The accepted parties ``user`` sees ``partnership`` through, one check per party."""
    mine = []
    for party in Party.objects.filter(partnership=partnership, status=ACCEPTED):
        group = party.organisation.members_group
        if user.groups.filter(pk=group.pk).exists() and "view_partnership" in get_perms(
            group, partnership
        ):
            mine.append(party)
    return mine


def naive_can_see(user: User, evidence: Evidence, viewing: list[Party]) -> bool:
    """The visibility rule, asked of one item at a time."""
    if not ObjectPermissionChecker(user).has_perm("view_partnership", evidence.partnership):
        return False
    if evidence.party_id in {party.pk for party in viewing}:
        return True
    party = evidence.party
    if party.status != ACCEPTED:
        return False
    return any(
        all(_consents(party, purpose) for purpose in SHARING_NEEDS[viewer.role])
        for viewer in viewing
    )


class NaiveEvidenceListView(GenericAPIView[Evidence]):
    """``GET /bench/naive/partnerships/<pk>/evidence/``: the evidence list, naively."""

    pagination_class = Pagination
    serializer_class = NaiveEvidenceSerializer

    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        partnerships = get_objects_for_user(user, "partnerships.view_partnership", Partnership)
        partnership = get_object_or_404(partnerships, pk=pk)
        viewing = naive_viewing_parties(user, partnership)  # type: ignore[arg-type]
        visible = [
            evidence
            for evidence in Evidence.objects.filter(partnership=partnership).order_by(
                "-occurred_on", "-id"
            )
            if naive_can_see(user, evidence, viewing)  # type: ignore[arg-type]
        ]
        page = self.paginate_queryset(visible)
        data = NaiveEvidenceSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


# --- Brief drafting ----------------------------------------------------------------------


def _question_agreed(question: ResearchQuestion, accepted: list[Party]) -> bool:
    answers = []
    for party in accepted:
        response = QuestionResponse.objects.filter(question=question, party=party).first()
        if response is not None:
            answers.append(response.decision)
    if QuestionResponse.Decision.OBJECT in answers:
        return False
    return bool(accepted) and answers.count(QuestionResponse.Decision.AGREE) >= len(accepted)


def _role_shared(evidence: Evidence, current: list[Evidence]) -> bool:
    """Whether another party of ``evidence``'s party's role has evidence in the period."""
    role = evidence.party.role
    return any(
        other.party_id != evidence.party_id and other.party.role == role for other in current
    )


def _item(evidence: Evidence, current: list[Evidence]) -> synthesis.Item:
    party = evidence.party
    named = evidence.attribution == Evidence.Attribution.NAMED and _consents(
        party, Purpose.ATTRIBUTE
    )
    return synthesis.Item(
        id=evidence.pk,
        party_id=evidence.party_id,
        kind=evidence.kind,
        title=evidence.title,
        body=evidence.body,
        valence=evidence.valence,
        occurred_on=evidence.occurred_on,
        questions=frozenset(q.pk for q in evidence.questions.all()),
        value=evidence.value,
        unit=evidence.unit,
        baseline=evidence.baseline,
        attribution=attribution_text(
            may_name=named,
            organisation_name=party.organisation.name,
            role=party.role,
            speaker=evidence.speaker,
            role_shared=_role_shared(evidence, current),
        ),
        named=named,
        extra_text=evidence.prompt_text or "",
        speaker=evidence.speaker,
        prompts=prompt_answers(evidence.kind, evidence.prompts),
    )


def _actions_done(brief: InsightBrief) -> list[synthesis.ActionDone]:
    last = (
        InsightBrief.objects.filter(
            partnership_id=brief.partnership_id, period_end__lt=brief.period_start
        )
        .order_by("-period_end", "-id")
        .first()
    )
    done = []
    for action in LearningAction.objects.filter(
        partnership_id=brief.partnership_id, status=LearningAction.Status.DONE
    ):
        if action.done_at is None:
            continue
        if action.done_at >= london_start_of(brief.period_end + timedelta(days=1)):
            continue
        if last is not None and action.done_at < london_start_of(
            last.period_end + timedelta(days=1)
        ):
            continue
        done.append(action_done(action))
    return done


def naive_brief_draft(brief_id: int) -> InsightBrief | None:
    """Draft one brief the per-item way: the same result as ``evidence.draft_brief``."""
    with transaction.atomic():
        brief = InsightBrief.objects.select_for_update().filter(pk=brief_id).first()
        if brief is None or brief.status != InsightBrief.Status.DRAFTING:
            return brief
        partnership = brief.partnership
        period = Period(brief.period_start, brief.period_end)
        span = periods_up_to(period, SERIES_PERIODS)
        before = span[-2]
        accepted = list(
            Party.objects.filter(partnership=partnership, status=ACCEPTED).order_by(
                "-is_commissioner", "role", "organisation__name", "id"
            )
        )
        questions = [
            synthesis.Question(id=q.pk, text=q.text)
            for q in ResearchQuestion.objects.filter(partnership=partnership).order_by(
                "created_at", "id"
            )
            if _question_agreed(q, accepted)
        ]
        parties = [
            synthesis.PartyRef(id=p.pk, name=p.organisation.name, role=p.role)
            for p in accepted
            if _consents(p, Purpose.PARTICIPATE)
        ]
        current: list[Evidence] = []
        previous: list[Evidence] = []
        earlier: list[Evidence] = []
        rows = Evidence.objects.filter(
            partnership=partnership,
            occurred_on__gte=span[0].start,
            occurred_on__lte=period.end,
        ).order_by("occurred_on", "pk")
        for evidence in rows:
            if evidence.party.status != ACCEPTED or not _consents(
                evidence.party, Purpose.PARTICIPATE
            ):
                continue
            if evidence.occurred_on in period:
                current.append(evidence)
            elif evidence.occurred_on in before:
                previous.append(evidence)
            elif evidence.value is not None:
                earlier.append(evidence)
        draft = synthesis.synthesise(
            questions=questions,
            parties=parties,
            current=[_item(evidence, current) for evidence in current],
            previous=[_item(evidence, current) for evidence in previous],
            actions_done=_actions_done(brief),
            earlier=[_item(evidence, current) for evidence in earlier],
            periods=[synthesis.Period(p.start, p.end) for p in span],
        )
        brief.sections = draft.sections
        brief.what_changed = draft.what_changed
        brief.plain_language = synthesis.plain_language_report(
            so_what=brief.so_what,
            recommendations=brief.recommendations,
            challenge_texts=[c.get("text", "") for c in brief.challenges or []],
            sections=draft.sections,
        )
        # Drafting replaces what the brief cited before (a redraft after a withdrawal
        # must drop the party's items), then records each citation on its own.
        brief.cited_evidence.clear()
        brief.compared_evidence.clear()
        for evidence_id in draft.cited:
            brief.cited_evidence.add(evidence_id)
        for evidence_id in draft.compared:
            brief.compared_evidence.add(evidence_id)
        brief.status = InsightBrief.Status.DRAFT
        brief.drafted_at = timezone.now()
        brief.save()
        activity_record(
            partnership=partnership,
            actor=None,
            verb="brief_drafted",
            summary=f"The draft insight brief for {period.describe()} is ready.",
        )
        people = User.objects.filter(
            is_active=True,
            memberships__organisation__parties__partnership=partnership,
            memberships__organisation__parties__role=Party.Role.LEARNING_PARTNER,
            memberships__organisation__parties__status=ACCEPTED,
        ).distinct()
        notify(
            recipients=list(people),
            kind="brief_draft_ready",
            subject=f"Draft insight brief ready: {period.describe()}",
            body=f"The draft insight brief for {period.describe()} is ready.",
            partnership=partnership,
        )
        return brief

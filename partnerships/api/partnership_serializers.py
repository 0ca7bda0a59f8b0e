"""Serializers for the partnership API: they parse input and shape output, nothing more."""

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learnhub.inputs import IdField
from partnerships.api.organisations import OrganisationSummarySerializer
from partnerships.models import (
    ActivityEvent,
    DiscoveryAgreement,
    DiscoveryBrief,
    Organisation,
    Partnership,
    Party,
    QuestionResponse,
    ResearchQuestion,
)
from partnerships.selectors.discovery import (
    EVERY_PARTY,
    FUNDER_AND_LEARNING_PARTNER,
    DiscoveryStanding,
    PartyAgreement,
)
from partnerships.selectors.organisations import has_people
from partnerships.services.commissioning import MAX_BATCH
from partnerships.services.partnerships import (
    MAX_DURATION_YEARS,
    MAX_PARTNER_COUNT,
    MAX_WORKSTREAM_COUNT,
    discovery_brief_complexity,
    discovery_recommendation,
)

ACTING_PARTY_HELP = (
    "The id of the party you act for. Needed only when you belong to more than one party "
    "of this partnership that could do this."
)


def _person(user: Any) -> str | None:
    return user.display_name if user is not None else None


# --- Partnerships ----------------------------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    funder: serializers.PrimaryKeyRelatedField[Organisation] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The commissioner's id."
    )
    funder_organisation = OrganisationSummarySerializer(source="funder", read_only=True)
    my_party_status = serializers.ChoiceField(
        choices=["accepted", "invited"],
        read_only=True,
        help_text="“invited” while your organisation has not yet accepted its invitation.",
    )

    class Meta:
        model = Partnership
        fields: tuple[str, ...] = (
            "id",
            "title",
            "description",
            "funder",
            "funder_organisation",
            "learning_mode",
            "priority_audience",
            "brief_cadence",
            "status",
            "status_changed_at",
            "my_party_status",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields


class MyPartySerializer(serializers.ModelSerializer[Party]):
    organisation = OrganisationSummarySerializer()
    i_am_admin = serializers.BooleanField(
        help_text="Whether you are an admin of this organisation (and so act for it)."
    )

    class Meta:
        model = Party
        fields = ("id", "organisation", "role", "status", "is_commissioner", "i_am_admin")


class PartnershipDetailSerializer(PartnershipSerializer):
    my_parties = serializers.SerializerMethodField(
        help_text="The parties of this partnership your organisations hold (invited or accepted)."
    )
    my_permissions = serializers.SerializerMethodField(
        help_text="What you may do here: view_partnership, contribute_partnership, "
        "lead_discovery, agree_discovery, manage_partnership."
    )

    class Meta(PartnershipSerializer.Meta):
        fields = (*PartnershipSerializer.Meta.fields, "my_parties", "my_permissions")
        read_only_fields = fields

    @extend_schema_field(MyPartySerializer(many=True))
    def get_my_parties(self, partnership: Partnership) -> Any:
        return MyPartySerializer(self.context.get("my_parties", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_my_permissions(self, partnership: Partnership) -> list[str]:
        return sorted(self.context.get("my_permissions", []))


class PartnershipCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    funder = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        pk_field=IdField(),  # documents the id's range; a missing row is refused
        help_text="The id of a funder organisation you belong to: it commissions the work.",
        error_messages={
            "does_not_exist": "Choose a funder organisation you belong to.",
            "incorrect_type": "Choose a funder organisation you belong to.",
        },
    )
    learning_mode = serializers.ChoiceField(choices=Partnership.LearningMode.choices)
    priority_audience = serializers.ChoiceField(choices=Partnership.PriorityAudience.choices)
    brief_cadence = serializers.ChoiceField(choices=Partnership.Cadence.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class PartnershipUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    learning_mode = serializers.ChoiceField(
        choices=Partnership.LearningMode.choices, required=False
    )
    priority_audience = serializers.ChoiceField(
        choices=Partnership.PriorityAudience.choices, required=False
    )
    brief_cadence = serializers.ChoiceField(choices=Partnership.Cadence.choices, required=False)


class PartnershipStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[Partnership.Status.ACTIVE.value, Partnership.Status.CLOSED.value],
        error_messages={"invalid_choice": "Choose active or closed."},
    )


class NotReadySerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is still needed."
    )


# --- Parties -------------------------------------------------------------------------


class PartySerializer(serializers.ModelSerializer[Party]):
    organisation = OrganisationSummarySerializer()
    invited_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Party
        fields = (
            "id",
            "organisation",
            "role",
            "status",
            "is_commissioner",
            "invited_at",
            "responded_at",
        )


class PartySummarySerializer(serializers.ModelSerializer[Party]):
    organisation = OrganisationSummarySerializer()

    class Meta:
        model = Party
        fields = ("id", "organisation", "role")


def _organisation_field(**kwargs: Any) -> "serializers.PrimaryKeyRelatedField[Organisation]":
    return serializers.PrimaryKeyRelatedField(
        # The directory: an organisation nobody has joined yet cannot be chosen by id.
        queryset=Organisation.objects.filter(has_people()),
        pk_field=IdField(),  # documents the id's range; a missing row is refused
        error_messages={
            "does_not_exist": "Choose an organisation from the directory.",
            "incorrect_type": "Choose an organisation from the directory.",
        },
        **kwargs,
    )


def _role_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Party.Role.choices,
        error_messages={"invalid_choice": "Choose funder, grantee or learning_partner."},
        **kwargs,
    )


class PartyInviteItemSerializer(serializers.Serializer[Any]):
    organisation = _organisation_field()
    role = _role_field()


class NewOrganisationSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    email = serializers.CharField(
        max_length=254, help_text="A contact there, who becomes its first admin."
    )


class PartyInviteSerializer(serializers.Serializer[Any]):
    """One of three shapes: ``organisation`` and ``role`` (one organisation from the
    directory); ``organisations`` (several, all or none); ``new_organisation`` and
    ``role`` (an organisation not on LearnHub yet, by a contact's email)."""

    organisation = _organisation_field(required=False)
    role = _role_field(required=False)
    organisations = serializers.ListField(
        child=PartyInviteItemSerializer(),
        required=False,
        min_length=1,
        max_length=MAX_BATCH,
        help_text=f"Several organisations at once, each with its role (at most {MAX_BATCH}): "
        "every one is invited, or none is.",
    )
    new_organisation = NewOrganisationSerializer(
        required=False,
        help_text="An organisation not on LearnHub yet: it is created, invited, and its "
        "contact emailed a link to become its first admin.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        shapes = [
            key for key in ("organisation", "organisations", "new_organisation") if key in attrs
        ]
        if len(shapes) != 1:
            raise serializers.ValidationError(
                {"organisation": ["Give one of organisation, organisations or new_organisation."]}
            )
        if shapes[0] != "organisations" and "role" not in attrs:
            raise serializers.ValidationError(
                {"role": ["Choose funder, grantee or learning_partner."]}
            )
        return attrs


# --- Discovery brief -----------------------------------------------------------------


class ComplexitySerializer(serializers.Serializer[Any]):
    duration_years = serializers.IntegerField(min_value=1, max_value=MAX_DURATION_YEARS)
    partner_count = serializers.IntegerField(min_value=1, max_value=MAX_PARTNER_COUNT)
    workstream_count = serializers.IntegerField(min_value=1, max_value=MAX_WORKSTREAM_COUNT)
    differing_aims = serializers.BooleanField(default=False)
    power_imbalance = serializers.BooleanField(default=False)


class DiscoveryBriefInputSerializer(serializers.Serializer[Any]):
    audience = serializers.CharField(allow_blank=True, max_length=10000)
    desired_impact = serializers.CharField(allow_blank=True, max_length=10000)
    scope = serializers.CharField(allow_blank=True, max_length=10000)
    complexity = ComplexitySerializer()
    open_questions = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    party = IdField(required=False, help_text=ACTING_PARTY_HELP)


class DiscoveryAgreementSerializer(serializers.ModelSerializer[DiscoveryAgreement]):
    party = PartySummarySerializer()
    agreed_by = serializers.SerializerMethodField()

    class Meta:
        model = DiscoveryAgreement
        fields = ("party", "version", "agreed_by", "agreed_at")

    def get_agreed_by(self, agreement: DiscoveryAgreement) -> str | None:
        return _person(agreement.agreed_by)


class PartyAgreementSerializer(serializers.Serializer[Any]):
    """One accepted party and the current version (``selectors.discovery.PartyAgreement``)."""

    party = PartySummarySerializer()
    agreed_at = serializers.SerializerMethodField()
    agreed_by = serializers.SerializerMethodField()
    joined_after_agreement = serializers.BooleanField(
        source="joined_after",
        help_text="It joined after the brief was agreed: it may agree, but the brief stays "
        "agreed without it.",
    )

    def get_agreed_at(self, row: PartyAgreement) -> datetime | None:
        return row.agreement.agreed_at if row.agreement else None

    def get_agreed_by(self, row: PartyAgreement) -> str | None:
        return _person(row.agreement.agreed_by) if row.agreement else None


class DiscoveryBriefSerializer(serializers.ModelSerializer[DiscoveryBrief]):
    complexity = ComplexitySerializer(source="*")
    recommended_discovery_weeks = serializers.SerializerMethodField()
    recommendation_reasons = serializers.SerializerMethodField(
        help_text="Why LearnHub recommends that many weeks, in plain words."
    )
    agreements = DiscoveryAgreementSerializer(
        source="current_agreements",
        many=True,
        help_text="Who has agreed the current version.",
    )
    agreement_rule = serializers.ChoiceField(
        source="standing.rule",
        choices=[FUNDER_AND_LEARNING_PARTNER, EVERY_PARTY],
        read_only=True,
        help_text="Who must agree the current version: the commissioning funder and a "
        "learning partner (learning for), or every accepted party (learning with).",
    )
    agreed_by_parties = serializers.SerializerMethodField(
        help_text="The accepted parties that agreed the current version."
    )
    waiting_for = PartySummarySerializer(
        source="standing.waiting_for",
        many=True,
        read_only=True,
        help_text="The parties whose agreement the current version still needs (in learning "
        "for, every learning partner is listed until one of them agreed).",
    )
    parties = PartyAgreementSerializer(
        source="standing.parties",
        many=True,
        read_only=True,
        help_text="Every accepted party, with whether it agreed the current version.",
    )
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = DiscoveryBrief
        fields = (
            "audience",
            "desired_impact",
            "scope",
            "complexity",
            "open_questions",
            "status",
            "version",
            "recommended_discovery_weeks",
            "recommendation_reasons",
            "agreements",
            "agreement_rule",
            "agreed_by_parties",
            "waiting_for",
            "parties",
            "agreed_at",
            "updated_at",
            "updated_by",
        )
        read_only_fields = ("agreed_at",)

    def get_recommended_discovery_weeks(self, brief: DiscoveryBrief) -> int:
        return discovery_recommendation(discovery_brief_complexity(brief)).weeks

    def get_recommendation_reasons(self, brief: DiscoveryBrief) -> list[str]:
        return discovery_recommendation(discovery_brief_complexity(brief)).reasons

    @extend_schema_field(PartySummarySerializer(many=True))
    def get_agreed_by_parties(self, brief: DiscoveryBrief) -> list[dict[str, Any]]:
        standing: DiscoveryStanding = brief.standing  # type: ignore[attr-defined]  # selector-set attribute
        agreed = [row.party for row in standing.parties if row.agreement is not None]
        return list(PartySummarySerializer(agreed, many=True).data)

    def get_updated_by(self, brief: DiscoveryBrief) -> str | None:
        return _person(brief.updated_by)


class ActingPartySerializer(serializers.Serializer[Any]):
    party = IdField(required=False, help_text=ACTING_PARTY_HELP)


# --- Research questions ----------------------------------------------------------------


class QuestionResponseSerializer(serializers.ModelSerializer[QuestionResponse]):
    party = PartySummarySerializer()
    responded_by = serializers.SerializerMethodField()
    responded_at = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = QuestionResponse
        fields = ("party", "decision", "comment", "responded_by", "responded_at")

    def get_responded_by(self, response: QuestionResponse) -> str | None:
        return _person(response.responded_by)


class QuestionSerializer(serializers.ModelSerializer[ResearchQuestion]):
    status = serializers.ChoiceField(choices=ResearchQuestion.Status.choices, read_only=True)
    proposed_by_party = PartySummarySerializer()
    proposed_by = serializers.SerializerMethodField()
    responses = QuestionResponseSerializer(
        source="current_responses",
        many=True,
        help_text="The current answer of each party that has joined and answered.",
    )
    waiting_for = serializers.SerializerMethodField(
        help_text="Parties that have joined but not answered yet."
    )

    class Meta:
        model = ResearchQuestion
        fields = (
            "id",
            "text",
            "rationale",
            "status",
            "proposed_by_party",
            "proposed_by",
            "created_at",
            "responses",
            "waiting_for",
        )

    def get_proposed_by(self, question: ResearchQuestion) -> str | None:
        return _person(question.proposed_by)

    @extend_schema_field(PartySummarySerializer(many=True))
    def get_waiting_for(self, question: ResearchQuestion) -> Any:
        answered = {response.party_id for response in question.current_responses}  # type: ignore[attr-defined]  # selector-set attribute
        waiting = [p for p in self.context["accepted_parties"] if p.pk not in answered]
        return PartySummarySerializer(waiting, many=True).data


class QuestionCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=1000)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    party = IdField(required=False, help_text=ACTING_PARTY_HELP)


class QuestionAnswerSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        choices=QuestionResponse.Decision.choices,
        error_messages={"invalid_choice": "Choose agree or object."},
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    party = IdField(required=False, help_text=ACTING_PARTY_HELP)


# --- Timeline ------------------------------------------------------------------------


class ActivityEventSerializer(serializers.ModelSerializer[ActivityEvent]):
    actor = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(allow_null=True)

    class Meta:
        model = ActivityEvent
        fields = ("id", "verb", "summary", "actor", "organisation", "created_at")

    def get_actor(self, event: ActivityEvent) -> str | None:
        return _person(event.actor)

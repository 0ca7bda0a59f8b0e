"""Serializers for the consent API: they parse input and shape output, nothing more."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consent.models import (
    ChallengeRecord,
    ChallengeState,
    ConsentRecord,
    LearningModeAnswer,
    LearningModeChange,
)
from consent.selectors import PURPOSES, PartyConsent, learning_mode_waiting_for
from learnhub.inputs import MAX_ID, IdField
from partnerships.models import Organisation, Partnership

PARTY_HELP = (
    "The id of the party you decide for. Needed only when you are an admin of more than "
    "one party of this partnership."
)
NOTICE_HELP = (
    "The version of the notice the person read. If it is not the current one the answer "
    "is 409: read the notice again. Leave it out to record the current notice."
)


class PartyOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind")


def _person(user: Any) -> str | None:
    return user.display_name if user is not None else None


class ActingPartySerializer(serializers.Serializer[Any]):
    party = IdField(required=False, help_text=PARTY_HELP)


# --- Consent -------------------------------------------------------------------------


class ConsentDecisionSerializer(ActingPartySerializer):
    purpose = serializers.ChoiceField(
        choices=ConsentRecord.Purpose.choices,
        error_messages={
            "invalid_choice": "Choose participate, publish, attribute, share_with_funder or "
            "share_with_parties."
        },
    )
    decision = serializers.ChoiceField(
        choices=ConsentRecord.Decision.choices,
        error_messages={"invalid_choice": "Choose grant or withdraw."},
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    notice_version = serializers.CharField(required=False, max_length=50, help_text=NOTICE_HELP)


class ConsentRecordSerializer(serializers.ModelSerializer[ConsentRecord]):
    organisation = PartyOrganisationSerializer(source="party.organisation")
    recorded_by = serializers.SerializerMethodField(help_text="Who recorded the decision.")

    class Meta:
        model = ConsentRecord
        fields = (
            "id",
            "partnership",
            "party",
            "organisation",
            "purpose",
            "decision",
            "recorded_by",
            "recorded_at",
            "notice_version",
            "notice_text",
            "note",
        )
        read_only_fields = fields

    def get_recorded_by(self, record: ConsentRecord) -> str | None:
        return _person(record.recorded_by)


class PurposesSerializer(serializers.Serializer[Any]):
    """Each purpose: whether it is given now."""

    participate = serializers.BooleanField()
    publish = serializers.BooleanField()
    attribute = serializers.BooleanField()
    share_with_funder = serializers.BooleanField()
    share_with_parties = serializers.BooleanField()


class DecidedAtSerializer(serializers.Serializer[Any]):
    """Each purpose: when it was last decided (null: never)."""

    participate = serializers.DateTimeField(allow_null=True)
    publish = serializers.DateTimeField(allow_null=True)
    attribute = serializers.DateTimeField(allow_null=True)
    share_with_funder = serializers.DateTimeField(allow_null=True)
    share_with_parties = serializers.DateTimeField(allow_null=True)


class PartyConsentSerializer(serializers.Serializer[Any]):
    """One party's current consent (a ``consent.selectors.PartyConsent``)."""

    party = serializers.IntegerField(source="party.pk")
    organisation = PartyOrganisationSerializer()
    role = serializers.CharField(source="party.role")
    purposes = PurposesSerializer()
    decided_at = serializers.SerializerMethodField()

    @extend_schema_field(DecidedAtSerializer)
    def get_decided_at(self, current: PartyConsent) -> dict[str, Any]:
        field = serializers.DateTimeField()
        return {
            purpose: field.to_representation(record.recorded_at) if record else None
            for purpose, record in ((p, current.records[p]) for p in PURPOSES)
        }


# --- Permission to challenge --------------------------------------------------------------


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "oneOf": [
                {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID},
                {"type": "string", "enum": ["*"]},
            ]
        },
    }
)
class AreasField(serializers.ListField):
    """Research question ids, or ``["*"]`` for everything."""

    child = serializers.CharField(max_length=30)

    def to_representation(self, data: Any) -> list[Any]:
        return list(data)


class ChallengeDecisionSerializer(ActingPartySerializer):
    decision = serializers.ChoiceField(
        choices=ChallengeRecord.Decision.choices,
        error_messages={"invalid_choice": "Choose grant or withdraw."},
    )
    areas = AreasField(
        allow_empty=True,
        max_length=500,
        help_text='Ids of the partnership’s research questions, or ["*"] for everything.',
    )
    channels = serializers.ListField(
        child=serializers.CharField(max_length=30),
        allow_empty=True,
        max_length=10,
        help_text="workshop, private_report and/or published_brief.",
    )
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    notify_before_publish = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Tell the party before a published brief challenges it: publishing waits "
        "until it acknowledged the learning partner's notice or the notice period passed.",
    )
    notice_version = serializers.CharField(required=False, max_length=50, help_text=NOTICE_HELP)


class ChallengeRecordSerializer(serializers.ModelSerializer[ChallengeRecord]):
    organisation = PartyOrganisationSerializer(source="party.organisation")
    recorded_by = serializers.SerializerMethodField()
    areas = AreasField(read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ChallengeRecord
        fields = (
            "id",
            "partnership",
            "party",
            "organisation",
            "decision",
            "areas",
            "channels",
            "conditions",
            "notify_before_publish",
            "recorded_by",
            "recorded_at",
            "notice_version",
        )
        read_only_fields = fields

    def get_recorded_by(self, record: ChallengeRecord) -> str | None:
        return _person(record.recorded_by)


class ChallengePermissionSerializer(serializers.ModelSerializer[ChallengeState]):
    area = serializers.SerializerMethodField(help_text='A research question id, or "*".')
    question = serializers.SerializerMethodField(help_text="The question's text (null for *).")
    granted_at = serializers.DateTimeField(source="record.recorded_at")
    granted_by = serializers.SerializerMethodField()

    class Meta:
        model = ChallengeState
        fields = (
            "area",
            "question",
            "channel",
            "conditions",
            "notify_before_publish",
            "record",
            "granted_at",
            "granted_by",
        )

    @extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["*"]}]})
    def get_area(self, state: ChallengeState) -> int | str:
        return state.question_id if state.question_id is not None else ChallengeRecord.ALL_AREAS

    def get_question(self, state: ChallengeState) -> str | None:
        return state.question.text if state.question is not None else None

    def get_granted_by(self, state: ChallengeState) -> str | None:
        return _person(state.record.recorded_by)


class PartyChallengeSerializer(serializers.Serializer[Any]):
    """One party's current permission (a ``consent.selectors.PartyChallengePermission``)."""

    party = serializers.IntegerField(source="party.pk")
    organisation = PartyOrganisationSerializer()
    role = serializers.CharField(source="party.role")
    permissions = ChallengePermissionSerializer(
        many=True, help_text="Each (area, channel) the learning partner may challenge it in."
    )


# --- Receipts ----------------------------------------------------------------------------


class ConsentReceiptSerializer(serializers.Serializer[Any]):
    """Documents the receipt's shape (built by ``consent.receipts.consent_receipt``)."""

    schema = serializers.CharField()
    receipt_issued_at = serializers.DateTimeField()
    record_id = serializers.CharField()
    record_type = serializers.CharField()
    partnership = serializers.DictField()
    jurisdiction = serializers.CharField()
    controller = serializers.DictField()
    principal = serializers.DictField()
    purposes = serializers.ListField(child=serializers.DictField())
    decision = serializers.ChoiceField(choices=ConsentRecord.Decision.choices)
    consent_state = serializers.ChoiceField(choices=["given", "withdrawn"])
    notice = serializers.DictField()
    recorded_by = serializers.DictField()
    recorded_at = serializers.DateTimeField()
    note = serializers.CharField()
    withdrawal = serializers.DictField()


# --- Learning mode changes --------------------------------------------------------------------


class LearningModeProposalSerializer(ActingPartySerializer):
    learning_mode = serializers.ChoiceField(
        choices=Partnership.LearningMode.choices,
        error_messages={"invalid_choice": "Choose learning_for or learning_with."},
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LearningModeAnswerInputSerializer(ActingPartySerializer):
    decision = serializers.ChoiceField(
        choices=LearningModeAnswer.Decision.choices,
        error_messages={"invalid_choice": "Choose agree or object."},
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LearningModeAnswerSerializer(serializers.ModelSerializer[LearningModeAnswer]):
    organisation = PartyOrganisationSerializer(source="party.organisation")
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = LearningModeAnswer
        fields = ("party", "organisation", "decision", "comment", "answered_by", "answered_at")

    def get_answered_by(self, answer: LearningModeAnswer) -> str | None:
        return _person(answer.answered_by)


class LearningModeChangeSerializer(serializers.ModelSerializer[LearningModeChange]):
    party = serializers.IntegerField(source="proposed_for_id", help_text="The proposing party.")
    proposed_by = serializers.SerializerMethodField()
    status = serializers.CharField(source="outcome")
    answers = LearningModeAnswerSerializer(many=True)
    waiting_for = serializers.SerializerMethodField(
        help_text="Accepted parties that have not agreed yet (only while it is open)."
    )

    class Meta:
        model = LearningModeChange
        fields = (
            "id",
            "learning_mode",
            "status",
            "party",
            "proposed_by",
            "reason",
            "created_at",
            "decided_at",
            "answers",
            "waiting_for",
        )

    def get_proposed_by(self, change: LearningModeChange) -> str | None:
        return _person(change.proposed_by)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_waiting_for(self, change: LearningModeChange) -> list[int]:
        if change.outcome != LearningModeChange.Outcome.OPEN:
            return []
        return [party.pk for party in learning_mode_waiting_for(change=change)]


class LearningModeSerializer(serializers.Serializer[Any]):
    learning_mode = serializers.ChoiceField(choices=Partnership.LearningMode.choices)
    needs_agreement = serializers.BooleanField(
        help_text="Whether a change needs every accepted party's agreement."
    )
    change = LearningModeChangeSerializer(allow_null=True, help_text="The open proposal.")
    history = LearningModeChangeSerializer(many=True, help_text="Every proposal, newest first.")

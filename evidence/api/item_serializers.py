"""Serializers for evidence items: they parse input and shape output, nothing more.

Input serializers only turn JSON or multipart into Python values; every rule (kinds,
prompts, questions of the same partnership, a unit for every figure) is checked by
``evidence.services``, so the API, the pages and the CSV import say the same thing.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from accounts.models import User
from evidence.kinds import ALL_PROMPT_KEYS
from evidence.models import Evidence, EvidenceAttachment
from evidence.selectors import EvidenceLinks
from learnhub.inputs import IdField
from partnerships.models import Organisation, Party, ResearchQuestion

PARTY_HELP = (
    "The id of the party you add this for. Needed only when you belong to more than one "
    "party of this partnership."
)
PROMPTS_HELP = (
    "Answers to the prompts of the kind: after_action_review: planned, happened, "
    "why_different, do_differently; learning_log: learned, patterns; reflection: "
    "what_we_did, what_happened, what_it_means. Other kinds take none; an unknown key is a "
    "400. In multipart, send a JSON object as text, or one field per answer "
    "(prompts.planned)."
)
KIND_ERROR = "Choose what kind of evidence this is: " + ", ".join(Evidence.Kind.values) + "."
VALENCE_ERROR = "Say whether it shows something working, not working, mixed or unclear."
DECIMAL_ERRORS: dict[str, Any] = {"invalid": "Enter a number, like 42 or 3.5."}


class EvidenceDetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class EvidenceOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind")


class EvidencePartySerializer(serializers.ModelSerializer[Party]):
    organisation = EvidenceOrganisationSerializer()

    class Meta:
        model = Party
        fields = ("id", "organisation", "role")


class EvidenceAttachmentSerializer(serializers.ModelSerializer[EvidenceAttachment]):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="Download it here (same sign-in).")

    class Meta:
        model = EvidenceAttachment
        fields = ("id", "name", "content_type", "size", "sha256", "url")

    def get_url(self, attachment: EvidenceAttachment) -> str:
        return reverse(
            "api:evidence-attachment",
            kwargs={"pk": attachment.evidence_id, "attachment_pk": attachment.pk},
        )


@extend_schema_field(
    {
        "type": "object",
        "properties": {key: {"type": "string"} for key in ALL_PROMPT_KEYS},
        "additionalProperties": {"type": "string"},
    }
)
class PromptsField(serializers.Field):  # type: ignore[type-arg]
    """A JSON object of prompt answers; in multipart also JSON text or ``prompts.<key>``."""

    default_error_messages = {
        "invalid": "Send the prompt answers as an object of question: answer.",
        "not_text": "Each answer must be text.",
    }

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary):
            if self.field_name in dictionary:
                return dictionary.get(self.field_name)
            nested = html.parse_html_dict(dictionary, prefix=str(self.field_name))
            return {key: nested[key] for key in nested} if nested else empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if data in ("", None):
            return {}
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        for value in data.values():
            if value is not None and not isinstance(value, str | int | float):
                self.fail("not_text")
        return {str(key): value for key, value in data.items()}

    def to_representation(self, value: Any) -> Any:
        return value


class EvidenceInputSerializer(serializers.Serializer[Any]):
    """A new evidence item (JSON, or multipart with ``attachment``)."""

    party = IdField(required=False, help_text=PARTY_HELP)
    kind = serializers.ChoiceField(
        choices=Evidence.Kind.choices,
        error_messages={"invalid_choice": KIND_ERROR, "required": KIND_ERROR},
    )
    title = serializers.CharField(
        max_length=200,
        error_messages={
            "required": "Give it a short title, so people can find it in a list.",
            "blank": "Give it a short title, so people can find it in a list.",
        },
    )
    body = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    questions = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="Ids of research questions of this partnership.",
    )
    valence = serializers.ChoiceField(
        choices=Evidence.Valence.choices,
        error_messages={"invalid_choice": VALENCE_ERROR, "required": VALENCE_ERROR},
    )
    attribution = serializers.ChoiceField(
        choices=Evidence.Attribution.choices,
        required=False,
        help_text="May a brief name your organisation with this item (with `attribute` "
        "consent)? Default anonymous.",
        error_messages={"invalid_choice": "Choose named or anonymous."},
    )
    occurred_on = serializers.DateField(
        error_messages={"required": "Enter the date it happened, like 2025-03-31."}
    )
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        coerce_to_string=False,
        required=False,
        allow_null=True,
        error_messages=DECIMAL_ERRORS,
    )
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    baseline = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        coerce_to_string=False,
        required=False,
        allow_null=True,
        error_messages=DECIMAL_ERRORS,
    )
    period_start = serializers.DateField(
        required=False, allow_null=True, help_text="For a figure: the first day it covers."
    )
    period_end = serializers.DateField(
        required=False, allow_null=True, help_text="For a figure: the last day it covers."
    )
    prompts = PromptsField(required=False, help_text=PROMPTS_HELP)
    attachment = serializers.FileField(
        required=False,
        help_text="A PDF, image, office document or CSV file (multipart only).",
    )

    def evidence_data(self) -> dict[str, Any]:
        """The evidence fields given, for the services (no party, no file)."""
        return {
            name: value
            for name, value in self.validated_data.items()
            if name not in ("party", "attachment")
        }


class EvidenceUpdateSerializer(EvidenceInputSerializer):
    """Changes to an item: any field; ``attachment`` adds one more file."""

    party = None  # type: ignore[assignment]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    party = EvidencePartySerializer()
    questions = serializers.SerializerMethodField()
    value = serializers.DecimalField(
        max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    baseline = serializers.DecimalField(
        max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True
    )
    prompts = PromptsField()
    attachments = EvidenceAttachmentSerializer(many=True)
    submitted_by = serializers.SerializerMethodField(
        help_text="Who added it: shown to people in the same party only."
    )
    can_change = serializers.SerializerMethodField(
        help_text="True when you may change or delete it (your party added it)."
    )

    class Meta:
        model = Evidence
        fields = (
            "id",
            "partnership",
            "party",
            "kind",
            "title",
            "body",
            "questions",
            "valence",
            "attribution",
            "occurred_on",
            "value",
            "unit",
            "baseline",
            "period_start",
            "period_end",
            "prompts",
            "attachments",
            "submitted_by",
            "can_change",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_questions(self, evidence: Evidence) -> list[int]:
        return [question.pk for question in evidence.questions.all()]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    )
    def get_submitted_by(self, evidence: Evidence) -> dict[str, Any] | None:
        person = evidence.submitted_by
        if person is None or not getattr(evidence, "mine", False):
            return None
        return {"id": person.pk, "name": person.display_name}

    def get_can_change(self, evidence: Evidence) -> bool:
        return bool(getattr(evidence, "mine", False))


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_NUMBER = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
_ATTACHMENT = EvidenceAttachmentSerializer()


def _or_none(field: serializers.Field, value: Any) -> Any:  # type: ignore[type-arg]
    return None if value is None else field.to_representation(value)


def listed_evidence(
    rows: Iterable[Mapping[str, Any]], links: EvidenceLinks
) -> list[dict[str, Any]]:
    """Rows of ``evidence_list_rows`` shaped exactly as ``EvidenceSerializer`` shapes each
    item (the tests compare the list with every item's own endpoint).

    The list's items are written out here rather than by the serializer's per-field
    machinery, which cost more than reading the page (measured by ``manage.py bench``);
    values are formatted by the same REST framework fields.
    """
    listed = []
    for row in rows:
        mine = bool(row["mine"])
        submitted_by = None
        if mine and row["submitted_by_id"] is not None:
            submitted_by = {
                "id": row["submitted_by_id"],
                "name": User.name_shown(
                    name=row["submitted_by__name"], email=row["submitted_by__email"]
                ),
            }
        listed.append(
            {
                "id": row["id"],
                "partnership": row["partnership_id"],
                "party": {
                    "id": row["party_id"],
                    "organisation": {
                        "id": row["party__organisation_id"],
                        "name": row["party__organisation__name"],
                        "kind": row["party__organisation__kind"],
                    },
                    "role": row["party__role"],
                },
                "kind": row["kind"],
                "title": row["title"],
                "body": row["body"],
                "questions": links.questions.get(row["id"], []),
                "valence": row["valence"],
                "attribution": row["attribution"],
                "occurred_on": _DATE.to_representation(row["occurred_on"]),
                "value": _or_none(_NUMBER, row["value"]),
                "unit": row["unit"],
                "baseline": _or_none(_NUMBER, row["baseline"]),
                "period_start": _or_none(_DATE, row["period_start"]),
                "period_end": _or_none(_DATE, row["period_end"]),
                "prompts": row["prompts"],
                "attachments": [
                    _ATTACHMENT.to_representation(attachment)
                    for attachment in links.attachments.get(row["id"], [])
                ],
                "submitted_by": submitted_by,
                "can_change": mine,
                "created_at": _DATETIME.to_representation(row["created_at"]),
                "updated_at": _DATETIME.to_representation(row["updated_at"]),
            }
        )
    return listed


class EvidenceFilterSerializer(serializers.Serializer[Any]):
    """Filters of the evidence list (query parameters)."""

    kind = serializers.ChoiceField(
        choices=Evidence.Kind.choices, required=False, error_messages={"invalid_choice": KIND_ERROR}
    )
    question = IdField(required=False, help_text="A research question id.")
    valence = serializers.ChoiceField(
        choices=Evidence.Valence.choices,
        required=False,
        error_messages={"invalid_choice": VALENCE_ERROR},
    )
    party = IdField(required=False, help_text="A party id.")
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to look for in the title, text and prompt answers.",
    )


class CoverageQuestionSerializer(serializers.ModelSerializer[ResearchQuestion]):
    class Meta:
        model = ResearchQuestion
        fields = ("id", "text")


class CoverageCellSerializer(serializers.Serializer[Any]):
    party = serializers.IntegerField(source="party.pk")
    count = serializers.IntegerField(
        allow_null=True, help_text="Items you can see; null when not shared with you."
    )
    shared = serializers.BooleanField()
    thin = serializers.BooleanField(help_text="Fewer items than `thin_below`.")


class CoverageRowSerializer(serializers.Serializer[Any]):
    question = CoverageQuestionSerializer(
        allow_null=True, help_text="null: items linked to no agreed research question."
    )
    cells = CoverageCellSerializer(many=True)
    total = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer[Any]):
    parties = EvidencePartySerializer(many=True)
    rows = CoverageRowSerializer(many=True)
    thin_below = serializers.IntegerField()


class ImportInputSerializer(serializers.Serializer[Any]):
    party = IdField(required=False, help_text=PARTY_HELP)
    file = serializers.FileField(help_text="A CSV file laid out like the template.")


class ImportProblemSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="Spreadsheet row (the header is row 1; 0: file).")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer[Any]):
    """Problems in the file (``detail``, ``problems``), or in the request's own fields
    ({field: [messages]}, like any 400)."""

    detail = serializers.CharField(required=False)
    problems = ImportProblemSerializer(many=True, required=False)


class ImportResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())

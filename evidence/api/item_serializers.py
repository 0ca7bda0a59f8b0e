"""Serializers for evidence items: they parse input and shape output, nothing more.

The evidence fields are built from ``evidence.schema``. Input serializers turn JSON or
multipart into Python values and hand them to the one validator
(``evidence.cleaning.clean_evidence``: kinds, prompts, questions of the same partnership,
a unit for every figure, ...), so the API, the pages and the CSV import say the same
thing; ``validated_data["item"]`` is the ``CleanEvidence`` the services take.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from accounts.models import User
from consent.selectors import BECAUSE, SharingState
from evidence.cleaning import clean_evidence
from evidence.kinds import ALL_PROMPT_KEYS
from evidence.models import Evidence, EvidenceAttachment
from evidence.schema import (
    BY_NAME,
    DECIMAL_PLACES,
    FIELD_NAMES,
    FIELDS,
    MAX_DIGITS,
    EvidenceField,
    FieldType,
)
from evidence.selectors import EvidenceLinks
from evidence.visibility import visible_to_json
from learnhub.inputs import IdField
from partnerships.models import Organisation, Party, ResearchQuestion

if TYPE_CHECKING:
    #: Any REST framework field (generic in the stubs only).
    AnyField = serializers.Field[Any, Any, Any, Any]

PARTY_HELP = (
    "The id of the party you add this for. Needed only when you belong to more than one "
    "party of this partnership."
)
KIND_ERROR = BY_NAME["kind"].message("invalid")
VALENCE_ERROR = BY_NAME["valence"].message("invalid")
#: What ``EvidenceSerializer`` shows of each item: its fields, wrapped in these.
ITEM_OUTPUT_FIELDS: tuple[str, ...] = (
    "id",
    "partnership",
    "party",
    *FIELD_NAMES,
    "session",
    "attachments",
    "submitted_by",
    "can_change",
    "visible_to",
    "created_at",
    "updated_at",
)


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


class VisibleToSerializer(serializers.Serializer[Any]):
    """A party whose people may read the item (or would read a new one), and why."""

    party = serializers.IntegerField()
    organisation = EvidenceOrganisationSerializer()
    role = serializers.ChoiceField(choices=Party.Role.choices)
    because = serializers.ChoiceField(
        choices=list(BECAUSE),
        help_text="`own`: the party added it; otherwise the consent of the party that "
        "added it which lets this party read it (`participate`: the learning partner; "
        "`share_with_funder`: a funder; `share_with_parties`: another grantee).",
    )


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
# REST framework's Field is generic only in its stubs, so the base cannot be subscripted.
class PromptsField(serializers.Field):  # type: ignore[type-arg]
    """A JSON object of prompt answers; in multipart also JSON text or ``prompts.<key>``."""

    default_error_messages = {
        "invalid": BY_NAME["prompts"].message("invalid"),
        "not_text": BY_NAME["prompts"].message("any_not_text"),
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


def _required_messages(spec: EvidenceField, *keys: str) -> dict[str, Any]:
    return dict.fromkeys(keys, spec.message("required")) if spec.required else {}


def _text_field(spec: EvidenceField) -> AnyField:
    optional = not spec.required
    return serializers.CharField(
        required=spec.required,
        allow_blank=optional,
        allow_null=optional,
        max_length=spec.max_length if spec.parser_length else None,
        error_messages=_required_messages(spec, "required", "blank"),
    )


def _choice_field(spec: EvidenceField) -> AnyField:
    invalid = spec.message("invalid")
    return serializers.ChoiceField(
        choices=list(spec.choices),
        required=spec.required,
        help_text=spec.api_help or None,
        error_messages={
            "invalid_choice": invalid,
            **({"required": invalid} if spec.required else {}),
        },
    )


def _date_field(spec: EvidenceField) -> AnyField:
    return serializers.DateField(
        required=spec.required,
        allow_null=not spec.required,
        help_text=spec.api_help or None,
        error_messages=_required_messages(spec, "required"),
    )


def _decimal_field(spec: EvidenceField) -> AnyField:
    return serializers.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        coerce_to_string=False,
        required=False,
        allow_null=True,
        error_messages={"invalid": spec.message("invalid")},
    )


def _ids_field(spec: EvidenceField) -> AnyField:
    return serializers.ListField(child=IdField(), required=False, help_text=spec.api_help)


def _prompts_field(spec: EvidenceField) -> AnyField:
    return PromptsField(required=False, help_text=spec.api_help)


_INPUT_FIELDS = {
    FieldType.TEXT: _text_field,
    FieldType.CHOICE: _choice_field,
    FieldType.DATE: _date_field,
    FieldType.DECIMAL: _decimal_field,
    FieldType.IDS: _ids_field,
    FieldType.PROMPTS: _prompts_field,
}


def evidence_input_fields() -> dict[str, AnyField]:
    """The parsers of the evidence fields, one per field of ``evidence.schema``."""
    return {spec.name: _INPUT_FIELDS[spec.type](spec) for spec in FIELDS}


class EvidenceInputSerializer(serializers.Serializer[Any]):
    """A new evidence item (JSON, or multipart with ``attachment``)."""

    # Needs context["partnership"]; validated_data["item"] is the checked CleanEvidence.

    party = IdField(required=False, help_text=PARTY_HELP)
    session = IdField(
        required=False,
        allow_null=True,
        help_text="The id of the learning session of this partnership it came out of.",
    )
    attachment = serializers.FileField(
        required=False,
        help_text="A PDF, image, office document or CSV file (multipart only).",
    )

    def get_fields(self) -> dict[str, AnyField]:
        declared = super().get_fields()
        fields = {"party": declared.pop("party")} if "party" in declared else {}
        return {**fields, **evidence_input_fields(), **declared}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        data = {name: value for name, value in attrs.items() if name in FIELD_NAMES}
        item = clean_evidence(
            data,
            partnership=self.context["partnership"],
            current=self.context.get("evidence"),
            attachment=attrs.get("attachment"),
        )
        return {"party": attrs.get("party"), "session": attrs.get("session"), "item": item}


class EvidenceUpdateSerializer(EvidenceInputSerializer):
    """Changes to an item: any field; ``attachment`` adds one more file."""

    # Needs context["evidence"] too: the item is checked as it would be after the change.

    # Setting a declared field to None removes it (REST framework's way); the stubs cannot say so.
    party = None  # type: ignore[assignment]
    session = None  # type: ignore[assignment]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    party = EvidencePartySerializer()
    questions = serializers.SerializerMethodField()
    value = serializers.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        coerce_to_string=False,
        allow_null=True,
    )
    baseline = serializers.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        coerce_to_string=False,
        allow_null=True,
    )
    prompts = PromptsField()
    speaker = serializers.ChoiceField(
        choices=list(BY_NAME["speaker"].choices),
        read_only=True,
        help_text="Whose words or views the item gives; empty when not said.",
    )
    attachments = EvidenceAttachmentSerializer(many=True)
    submitted_by = serializers.SerializerMethodField(
        help_text="Who added it: shown to people in the same party only."
    )
    can_change = serializers.SerializerMethodField(
        help_text="True when you may change or delete it (your party added it)."
    )
    visible_to = serializers.SerializerMethodField(
        help_text="The parties whose people may read this item now, and why (from the "
        "consent of the party that added it). Parties not listed cannot read it."
    )

    class Meta:
        model = Evidence
        fields = ITEM_OUTPUT_FIELDS
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

    @extend_schema_field(VisibleToSerializer(many=True))
    def get_visible_to(self, evidence: Evidence) -> list[dict[str, Any]]:
        # Needs context["sharing"]: the partnership's ``evidence_sharing``.
        sharing: SharingState = self.context["sharing"]
        return visible_to_json(sharing.visible_to(evidence.party_id))


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_NUMBER = serializers.DecimalField(
    max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, coerce_to_string=False
)
_ATTACHMENT = EvidenceAttachmentSerializer()
#: How the list writes each evidence field's value (as-is when not named here).
_SHOWN_AS: dict[FieldType, AnyField] = {
    FieldType.DATE: _DATE,
    FieldType.DECIMAL: _NUMBER,
}
_LISTED_FIELDS = tuple((spec.name, spec.type, _SHOWN_AS.get(spec.type)) for spec in FIELDS)


def _or_none(field: AnyField, value: Any) -> Any:
    return None if value is None else field.to_representation(value)


def _listed_fields(row: Mapping[str, Any], links: EvidenceLinks) -> dict[str, Any]:
    """The evidence fields of one row (``evidence.schema``), as the serializer shows them."""
    fields: dict[str, Any] = {}
    for name, kind, shown_as in _LISTED_FIELDS:
        if kind == FieldType.IDS:
            fields[name] = links.questions.get(row["id"], [])
        elif shown_as is not None:
            fields[name] = _or_none(shown_as, row[name])
        else:
            fields[name] = row[name]
    return fields


def listed_evidence(
    rows: Iterable[Mapping[str, Any]], links: EvidenceLinks, sharing: SharingState
) -> list[dict[str, Any]]:
    """Rows of ``evidence_list_rows`` shaped exactly as ``EvidenceSerializer`` shapes each
    item (the tests compare the list with every item's own endpoint).

    The list's items are written out here rather than by the serializer's per-field
    machinery, which cost more than reading the page (measured by ``manage.py bench``);
    values are formatted by the same REST framework fields. ``visible_to`` comes from
    ``sharing``, read once for the page, and worked out once per party.
    """
    listed = []
    readers: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        party_id = row["party_id"]
        if party_id not in readers:
            readers[party_id] = visible_to_json(sharing.visible_to(party_id))
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
                **_listed_fields(row, links),
                "session": row["session_id"],
                "attachments": [
                    _ATTACHMENT.to_representation(attachment)
                    for attachment in links.attachments.get(row["id"], [])
                ],
                "submitted_by": submitted_by,
                "can_change": mine,
                "visible_to": readers[party_id],
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


class VisibilityQuerySerializer(serializers.Serializer[Any]):
    """The query of "who would see a new item" (``?party=``)."""

    party = IdField(
        required=False,
        help_text="The party adding the item. Needed only when you are in more than one "
        "party of this partnership, or when the learning partner asks for another party.",
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

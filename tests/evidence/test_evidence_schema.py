"""The evidence fields are declared once (``evidence.schema``): the API, the page's form,
the CSV columns, the list's rows and the validator's clean value must all follow it, so
a field added to the schema and missing in one of them fails here."""

import dataclasses

import pytest

from evidence.api.item_serializers import (
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
)
from evidence.cleaning import CleanEvidence
from evidence.csv_import import COLUMNS, EXPORT_COLUMNS, REQUIRED_COLUMNS
from evidence.forms import NOT_FORM_FIELDS, EvidenceForm, prompt_field_name
from evidence.kinds import ALL_PROMPT_KEYS, prompts_for
from evidence.models import Evidence
from evidence.schema import BY_NAME, FIELD_NAMES, FIELDS, STORED_FIELD_NAMES, FieldType
from evidence.selectors.briefs import ITEM_FIELDS
from evidence.selectors.items import ROW_COLUMNS
from partnerships.models import Partnership, ResearchQuestion


def _form(kind: str) -> EvidenceForm:
    return EvidenceForm(
        kind=kind,
        partnership=Partnership(pk=1),
        questions=[ResearchQuestion(pk=1, text="Does it work?")],
        max_upload_bytes=10 * 1024 * 1024,
    )


def test_the_api_parses_and_shows_every_field_of_the_schema():
    for serializer in (EvidenceInputSerializer(), EvidenceUpdateSerializer()):
        evidence_fields = [
            name for name in serializer.fields if name not in ("party", "session", "attachment")
        ]
        assert evidence_fields == list(FIELD_NAMES)
    shown = [name for name in EvidenceSerializer().fields if name in BY_NAME]
    assert shown == list(FIELD_NAMES)


def test_the_api_says_each_field_is_required_as_the_schema_does():
    fields = EvidenceInputSerializer().fields
    for spec in FIELDS:
        assert fields[spec.name].required is spec.required, spec.name


@pytest.mark.parametrize("kind", Evidence.Kind.values)
def test_the_form_asks_every_field_the_schema_gives_its_kind(kind):
    form = _form(kind)

    asked = {
        spec.name
        for spec in FIELDS
        if spec.name not in NOT_FORM_FIELDS and (spec.kinds is None or kind in spec.kinds)
    }
    assert asked <= set(form.fields)
    assert {name for name in form.fields if name in BY_NAME} == asked
    assert [field.name for field in form.prompt_fields] == [
        prompt_field_name(prompt.key) for prompt in prompts_for(kind)
    ]
    for name in asked:
        required = BY_NAME[name].required or kind in BY_NAME[name].required_for
        # A choice the page must have an answer to (a default is ticked) is required; the
        # speaker is the one optional choice.
        must_answer = BY_NAME[name].type == FieldType.CHOICE and name != "speaker"
        assert form.fields[name].required is (required or must_answer)


def test_only_the_kind_and_the_prompts_are_not_fields_of_the_form():
    assert set(NOT_FORM_FIELDS) == {
        spec.name
        for spec in FIELDS
        if not any(spec.name in _form(kind).fields for kind in Evidence.Kind.values)
    }
    assert BY_NAME["kind"].type == FieldType.CHOICE
    assert BY_NAME["prompts"].type == FieldType.PROMPTS


def test_the_csv_has_a_column_for_every_field_of_the_schema():
    expected = {
        column
        for spec in FIELDS
        for column in (ALL_PROMPT_KEYS if spec.type == FieldType.PROMPTS else (spec.name,))
    }
    assert set(COLUMNS) == expected
    assert len(COLUMNS) == len(expected)
    assert set(COLUMNS) <= set(EXPORT_COLUMNS)
    assert set(REQUIRED_COLUMNS) == {spec.name for spec in FIELDS if spec.required}


def test_the_list_rows_and_the_clean_value_carry_every_stored_field():
    assert set(STORED_FIELD_NAMES) <= set(ROW_COLUMNS)
    assert set(STORED_FIELD_NAMES) == {
        f.name for f in Evidence._meta.concrete_fields if f.name in BY_NAME
    }
    clean_fields = {f.name for f in dataclasses.fields(CleanEvidence)}
    assert set(FIELD_NAMES) <= clean_fields
    assert clean_fields - set(FIELD_NAMES) == {"partnership_id", "attachment"}


def test_drafting_reads_only_fields_of_the_schema_or_of_its_own():
    own = {"id", "partnership_id", "party_id", "prompt_text", "may_name"}
    evidence_fields = {name for name in ITEM_FIELDS if "__" not in name} - own
    assert evidence_fields <= set(STORED_FIELD_NAMES)

"""Bad input is a 400 (or a 404 for an id no row can have), never a 500: the cases found
by probing the running product as an attacker would, each through the API or the page.

Ids are held to 1..2**63-1 everywhere (``learnhub.inputs``), bodies may not nest more
than 32 levels or carry NUL characters, and a brief's period lies within 2000-2100.
"""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from consent.models import ChallengeRecord
from evidence.models import Evidence, InsightBrief, LearningAction
from evidence.periods import (
    Period,
    last_ended_period,
    period_containing,
    previous_period,
    shift_day,
    shift_period,
)
from evidence.services.briefs import brief_draft
from learnhub.inputs import MAX_ID, JSONParser, as_id, json_too_deep
from partnerships.models import Party, QuestionResponse
from tests.evidence.briefs_scene import OCTOBER, brief_scene, client_for, drafted
from tests.evidence.items_helpers import build_evidence_scene, statistic, story
from tests.partnerships.factories import InvitationFactory, build_partnership_scene

pytestmark = pytest.mark.django_db

HUGE = 10**30  # well past 2**63 - 1, the largest id PostgreSQL or SQLite can hold
TOO_BIG_ID = "716677619512101621796438016"
ID_MESSAGE = "Ensure this value is less than or equal to 9223372036854775807."
DEEP = "[" * 3000 + "]" * 3000
DEPTH_REFUSAL = {"detail": "The request body nests arrays and objects more than 32 levels deep."}
NUL_REFUSAL = {"detail": "The address may not contain a NUL character (%00)."}


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def web_client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_client(user: Any = None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user=user)
    return client


# --- OPTIONS and HEAD ------------------------------------------------------------------------


def test_options_on_the_discovery_brief_describes_the_view_to_anyone_signed_in():
    scene = build_partnership_scene()
    url = api("partnership-discovery-brief", pk=scene.partnership.pk)

    party = api_client(scene.funder_admin).options(url)
    outsider = api_client(scene.outsider).options(url)

    assert party.status_code == 200
    assert party.json() == {
        "name": "Discovery Brief",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    }
    assert outsider.status_code == 200
    assert outsider.json() == party.json()  # nothing about the partnership itself


def test_head_answers_like_get_without_a_body_and_405_where_there_is_no_get():
    scene = build_partnership_scene()
    client = api_client(scene.funder_admin)

    detail = client.head(api("partnership-detail", pk=scene.partnership.pk))
    post_only = client.head(
        api("partnership-discovery-brief-agree", pk=scene.partnership.pk), format="json"
    )

    assert detail.status_code == 200
    assert detail.content == b""
    assert post_only.status_code == 405


# --- Ids out of range --------------------------------------------------------------------------


def test_an_api_path_id_out_of_range_is_a_404_like_a_missing_row():
    scene = build_partnership_scene()
    client = api_client(scene.grantee_admin)

    too_big = client.post(f"/api/v1/partnerships/{TOO_BIG_ID}/parties/1/decline/")
    past_bigint = client.get(f"/api/v1/partnerships/{2**63}/")
    missing = client.get(f"/api/v1/partnerships/{MAX_ID}/")

    assert too_big.status_code == 404
    assert too_big.json() == {"detail": "Not found."}
    assert past_bigint.status_code == 404
    assert past_bigint.json() == {"detail": "Not found."}
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert scene.grantee_party.status == Party.Status.ACCEPTED


def test_a_page_path_id_out_of_range_is_a_404():
    scene = build_partnership_scene()
    client = web_client(scene.grantee_admin)

    partnership = client.get(f"/partnerships/{TOO_BIG_ID}/")
    question = client.post(
        f"/partnerships/{scene.partnership.pk}/questions/{TOO_BIG_ID}/respond/",
        {"decision": "agree"},
    )
    evidence = client.get(f"/evidence/{TOO_BIG_ID}/files/{TOO_BIG_ID}/")

    assert (partnership.status_code, question.status_code, evidence.status_code) == (404, 404, 404)
    assert QuestionResponse.objects.count() == 0


def test_no_url_is_made_for_an_id_no_row_can_have():
    with pytest.raises(NoReverseMatch):
        reverse("api:partnership-detail", kwargs={"pk": 2**63})
    assert (
        reverse("api:partnership-detail", kwargs={"pk": MAX_ID})
        == f"/api/v1/partnerships/{MAX_ID}/"
    )


@pytest.mark.parametrize("name", ["question", "party"])
def test_an_evidence_filter_out_of_range_is_a_400(name):
    scene = build_evidence_scene()

    response = api_client(scene.grantee_member).get(
        api("partnership-evidence", pk=scene.partnership.pk), {name: "999999999999999999999999"}
    )

    assert response.status_code == 400
    assert response.json() == {name: [ID_MESSAGE]}


@pytest.mark.parametrize("value", ["999999999999999999999999", "²", "٣"])
def test_a_consent_party_filter_that_is_no_id_is_a_400(value):
    scene = build_evidence_scene()

    response = api_client(scene.grantee_admin).get(
        api("consent-list", partnership_pk=scene.partnership.pk), {"party": value}
    )

    assert response.status_code == 400
    assert response.json() == {"party": ["Give a party id (a whole number)."]}


def test_pages_and_page_sizes_out_of_range_are_answered():
    scene = build_evidence_scene()
    url = api("partnership-evidence", pk=scene.partnership.pk)
    client = api_client(scene.grantee_member)

    page = client.get(url, {"page": "999999999999999999999999"})
    size = client.get(url, {"page_size": "999999999999999999999999"})
    floaty = client.get(url, {"page": "1e309"})

    assert page.status_code == 404
    assert page.json() == {"detail": "Invalid page."}
    assert size.status_code == 200
    assert size.json()["count"] == 0
    assert floaty.status_code == 404


def test_evidence_linked_to_a_question_id_out_of_range_is_a_400_and_saves_nothing():
    scene = build_evidence_scene()

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk),
        story(questions=[HUGE]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"questions": {"0": [ID_MESSAGE]}}
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (HUGE, "field"),
        ("1e309", "field"),  # a float too big: Python reads it as infinity
        ("-1e400", "field"),
        ("NaN", "detail"),  # not JSON at all
        ("Infinity", "detail"),
    ],
)
@pytest.mark.parametrize("field", ["value", "baseline"])
def test_a_number_out_of_range_is_a_400_and_saves_nothing(field, value, refused):
    scene = build_evidence_scene()
    body = json.dumps(statistic()).replace(
        f'"{field}": {json.dumps(statistic()[field])}', f'"{field}": {value}'
    )

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence", pk=scene.partnership.pk),
        body,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == [field if refused == "field" else "detail"]
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "body", "errors"),
    [
        ("partnership-discovery-brief-agree", {"party": HUGE}, {"party": [ID_MESSAGE]}),
        ("partnership-questions", {"text": "Why?", "party": HUGE}, {"party": [ID_MESSAGE]}),
        (
            "partnership-parties",
            {"organisation": HUGE, "role": "grantee"},
            {"organisation": ["Choose an organisation from the directory."]},
        ),
    ],
)
def test_a_party_or_organisation_id_out_of_range_is_a_400(name, body, errors):
    scene = build_partnership_scene()

    response = api_client(scene.funder_admin).post(
        api(name, pk=scene.partnership.pk), body, format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert scene.partnership.parties.count() == 3


def test_a_funder_id_out_of_range_is_a_400():
    scene = build_partnership_scene()

    response = api_client(scene.funder_admin).post(
        api("partnership-list"),
        {
            "title": "More",
            "funder": HUGE,
            "learning_mode": "learning_for",
            "priority_audience": "grantees",
            "brief_cadence": "quarterly",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"funder": ["Choose a funder organisation you belong to."]}


@pytest.mark.parametrize("area", ["9" * 25, "²", "٣"])
def test_a_challenge_area_that_is_no_question_id_is_a_400_and_records_nothing(area):
    scene = build_evidence_scene()

    response = api_client(scene.grantee_admin).post(
        api("challenge-permission-list", partnership_pk=scene.partnership.pk),
        {"decision": "grant", "areas": [area], "channels": ["workshop"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "areas": [f"“{area}” is not a research question of this partnership."]
    }
    assert ChallengeRecord.objects.count() == 0


@pytest.mark.parametrize("party", [HUGE, "²"])
def test_a_brief_challenge_naming_no_party_id_is_a_400_and_changes_nothing(party):
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk),
        {"challenges": [{"party": party, "area": "*", "text": "Say more."}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["challenges"]
    brief.refresh_from_db()
    assert brief.challenges == []


def test_a_learning_action_for_a_party_id_out_of_range_is_a_400():
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-actions", pk=scene.partnership.pk),
        {"description": "Try Saturdays.", "party": HUGE},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"party": [ID_MESSAGE]}
    assert LearningAction.objects.count() == 0


def test_the_learning_actions_page_ignores_a_brief_that_is_no_id():
    scene = brief_scene()

    response = web_client(scene.lp_member).get(
        reverse("evidence:action-list", kwargs={"partnership_pk": scene.partnership.pk}),
        {"brief": "²"},
    )

    assert response.status_code == 200


def test_a_csv_row_linking_a_question_number_out_of_range_is_refused():
    scene = build_evidence_scene()
    header = "kind,title,body,occurred_on,valence,attribution,questions\n"
    row = f"story,A visit,They came back,2025-01-15,working,anonymous,{HUGE}\n"
    upload = io.BytesIO((header + row).encode())
    upload.name = "evidence.csv"

    response = api_client(scene.grantee_member).post(
        api("partnership-evidence-import", pk=scene.partnership.pk),
        {"file": upload},
        format="multipart",
    )

    assert response.status_code == 400
    assert Evidence.objects.count() == 0


# --- Deeply nested JSON ------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["login", "signup"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_deeply_nested_body_to_sign_in_or_up_is_a_400_signed_out(endpoint, content_type):
    response = Client(raise_request_exception=False).post(
        f"/_allauth/app/v1/auth/{endpoint}", DEEP, content_type=content_type
    )

    assert response.status_code == 400
    assert response.json() == DEPTH_REFUSAL


def test_a_deeply_nested_api_body_is_a_400_and_makes_nothing():
    scene = build_partnership_scene()
    body = '{"title": "Deep", "description": ' + DEEP + "}"

    response = api_client(scene.funder_admin).post(
        api("partnership-list"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == DEPTH_REFUSAL
    assert not scene.partnership.__class__.objects.filter(title="Deep").exists()


def test_a_body_nested_just_within_the_limit_is_read():
    scene = build_partnership_scene()
    nested = "[" * 31 + "]" * 31  # 32 levels with the object around it

    response = api_client(scene.funder_admin).patch(
        api("partnership-detail", pk=scene.partnership.pk),
        '{"title": "Still fine", "ignored": ' + nested + "}",
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Still fine"


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert not json_too_deep(json.dumps({"text": "[" * 5000}).encode())
    assert json_too_deep(b'{"a": "\\"' + b"[" * 40 + b'"}' + b"[" * 40)
    assert json_too_deep(b"[" * 33)
    assert not json_too_deep(b"[" * 32)


def test_the_api_json_parser_refuses_what_the_middleware_would():
    parser = JSONParser()

    with pytest.raises(ParseError):
        parser.parse(io.BytesIO(DEEP.encode()), "application/json", {})
    with pytest.raises(ParseError):
        parser.parse(io.BytesIO(b'{"text": "a\\u0000b"}'), "application/json", {})


# --- NUL characters ------------------------------------------------------------------------


def test_a_nul_in_an_invitation_token_is_a_400_on_the_api_and_the_page():
    scene = build_partnership_scene()
    InvitationFactory.create()

    api_answer = api_client(scene.outsider).post("/api/v1/invitations/ab%00c/accept/")
    page = web_client(scene.outsider).get("/invitations/ab%00c/")

    assert api_answer.status_code == 400
    assert api_answer.json() == NUL_REFUSAL
    assert page.status_code == 400


def test_a_nul_in_a_brief_challenge_is_a_400_and_changes_nothing():
    scene = brief_scene()
    brief = drafted(scene)

    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk),
        {"challenges": [{"party": scene.grantee_party.pk, "area": "*", "text": "a\x00b"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Text may not contain a NUL character (\\u0000)."}
    brief.refresh_from_db()
    assert brief.challenges == []


# --- Brief periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01", "0001-01-31", "period_start"),
        ("1999-12-01", "1999-12-31", "period_start"),
    ],
)
def test_a_brief_for_a_period_before_2000_is_a_400_and_makes_no_brief(start, end, field):
    scene = brief_scene()

    response = client_for(scene.lp_member).post(
        api("partnership-briefs", pk=scene.partnership.pk),
        {"period_start": start, "period_end": end},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {field: ["Choose a period from 1 January 2000 to 31 December 2100."]}
    assert not InsightBrief.objects.exists()


def test_the_first_month_allowed_is_drafted(django_capture_on_commit_callbacks):
    scene = brief_scene()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(scene.lp_member).post(
            api("partnership-briefs", pk=scene.partnership.pk),
            {"period_start": "2000-01-01", "period_end": "2000-01-31"},
            format="json",
        )

    assert response.status_code == 202
    assert InsightBrief.objects.get().status == InsightBrief.Status.DRAFT


def test_a_stored_brief_for_the_year_1_is_drafted_not_stuck():
    """A brief saved before periods were checked drafts like any other, so it can be
    redrafted, edited or deleted instead of staying "drafting" for ever."""
    scene = brief_scene()
    brief = InsightBrief.objects.create(
        partnership=scene.partnership,
        period_start=datetime.date(1, 1, 1),
        period_end=datetime.date(1, 1, 31),
        status=InsightBrief.Status.DRAFTING,
    )

    brief_draft(brief_id=brief.pk)

    brief.refresh_from_db()
    assert brief.status == InsightBrief.Status.DRAFT
    assert drafted(scene, OCTOBER).status == InsightBrief.Status.DRAFT


@pytest.mark.parametrize("cadence", ["weekly", "monthly", "quarterly"])
def test_period_arithmetic_holds_at_the_ends_of_the_calendar(cadence):
    first, last = datetime.date.min, datetime.date.max

    assert previous_period(Period(first, datetime.date(1, 1, 31))) == Period(first, first)
    assert previous_period(Period(datetime.date(1, 2, 1), datetime.date(1, 2, 28))) == Period(
        first, datetime.date(1, 1, 31)
    )
    assert previous_period(Period(datetime.date(1, 1, 3), datetime.date(1, 1, 9))) == Period(
        first, datetime.date(1, 1, 2)
    )
    assert period_containing(last, cadence).end == last
    assert last_ended_period(first, cadence).start == first
    assert shift_period(Period(datetime.date(9999, 12, 1), last), cadence, 1).end == last
    assert shift_period(Period(first, datetime.date(1, 1, 31)), cadence, -1).start == first
    assert shift_day(last, cadence, 5) == last
    assert shift_day(first, cadence, -5) == first


# --- The id rule itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        ("42", 42),
        (" 42 ", 42),
        (MAX_ID, MAX_ID),
        (str(MAX_ID), MAX_ID),
        (MAX_ID + 1, None),
        (str(MAX_ID + 1), None),
        (0, None),
        (-1, None),
        ("-1", None),
        ("²", None),
        ("٣", None),
        ("1e3", None),
        (True, None),
        (1.0, None),
        (None, None),
        ("", None),
    ],
)
def test_what_counts_as_an_id(value, expected):
    assert as_id(value) == expected


OUR_APPS = (
    "learnhub",
    "accounts",
    "partnerships",
    "notifications",
    "grants",
    "consent",
    "pulse",
    "rhythm",
    "evidence",
)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in OUR_APPS


def _subclasses(base: type) -> list[type]:
    found: list[type] = []
    todo: list[type] = [base]
    while todo:
        subclasses: list[type] = todo.pop().__subclasses__()
        found += subclasses
        todo += subclasses
    return [cls for cls in found if _ours(cls)]


def _unbounded_integers(schema: Any, components: dict[str, Any], where: str) -> list[str]:
    """Where an OpenAPI schema (following ``$ref``s) takes an integer with no maximum."""
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _unbounded_integers(components[name], components, name)
    found = []
    if schema.get("type") == "integer" and not schema.get("readOnly") and "maximum" not in schema:
        found.append(where)
    for name, sub in schema.get("properties", {}).items():
        if not sub.get("readOnly"):
            found += _unbounded_integers(sub, components, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        found += _unbounded_integers(schema.get(key), components, f"{where}[]")
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            found += _unbounded_integers(sub, components, where)
    return found


#: REST framework's paginator reads these itself: a page size is capped at 200, a page past
#: the end is a 404 (see test_pages_and_page_sizes_out_of_range_are_answered).
PAGINATION = {"page", "page_size"}


def test_every_integer_the_api_or_a_form_reads_is_bounded():
    """The rule behind the id cases above: a number the database cannot hold is refused
    by the field that reads it. Every integer in a documented request (path, query or
    body) has a maximum (``learnhub.inputs.IdField`` for ids), and so has every integer
    field of our forms (``FormIdField``)."""
    from django import forms
    from django.urls import get_resolver
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document["components"]["schemas"]
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["name"] in PAGINATION:
                    continue
                unbounded += _unbounded_integers(
                    parameter["schema"], components, f"{where} {parameter['name']}"
                )
            for media in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded_integers(media["schema"], components, where)
    get_resolver().url_patterns  # noqa: B018 - imports every view, so every form
    unbounded += [
        f"{cls.__qualname__}.{name}"
        for cls in _subclasses(forms.BaseForm)
        for name, field in cls.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.IntegerField)
        and not isinstance(field, forms.DecimalField)  # bounded by its digits
        and field.max_value is None
    ]

    assert sorted(set(unbounded)) == []


def test_every_id_in_a_url_uses_the_id_converter():
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
        found = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found += routes(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append((route, pattern.callback))
        return found

    ours = [route for route, view in routes(get_resolver().url_patterns) if _ours(view)]

    assert [route for route in ours if "<int:" in route] == []
    assert sum("<id:" in route for route in ours) > 50

"""The plain-words check as the learning partner types: the brief's edit page asks
``evidence:plain-words-check`` for each box's hints (htmx, after a pause), and saving runs
the same check into the brief's plain-language report."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.plain_words import plain_words_hints
from tests.evidence.briefs_scene import brief_scene, drafted
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.django_db

CHECK = reverse("evidence:plain-words-check")
JARGON_TEXT = "Going forward we will leverage what the KPI shows."


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def hints_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        html.unescape(" ".join(item.split()))
        for item in re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S)
    ]


def test_the_check_answers_the_hints_for_the_words_sent():
    scene = build_partnership_scene()

    response = signed_in(scene.lp_member).post(CHECK, {"so_what": JARGON_TEXT})

    assert response.status_code == 200
    assert "Plainer words would help:" in response.content.decode()
    assert hints_of(response) == [
        "Instead of “going forward”, try “from now on”.",
        "Instead of “leverage”, try “use”.",
        "Spell out “KPI” the first time you use it.",
    ]


def test_plain_words_get_an_empty_answer():
    scene = build_partnership_scene()
    client = signed_in(scene.grantee_member)

    plain = client.post(CHECK, {"recommendations": "Meet the families on Saturdays."})
    empty = client.post(CHECK, {"recommendations": "   "})

    assert (plain.status_code, plain.content.decode().strip()) == (200, "")
    assert (empty.status_code, empty.content.decode().strip()) == (200, "")


def test_a_long_sentence_is_pointed_out():
    scene = build_partnership_scene()
    sentence = " ".join(["we"] * 26) + "."

    response = signed_in(scene.lp_member).post(CHECK, {"challenge-3-text": sentence})

    assert hints_of(response) == [f"A sentence of 26 words: “{sentence}” Try splitting it."]


@pytest.mark.parametrize(
    ("field", "limit", "words"),
    [
        ("so_what", 10_000, "10,000"),
        ("recommendations", 10_000, "10,000"),
        ("challenge-0-text", 2_000, "2,000"),
    ],
)
def test_words_longer_than_their_box_holds_are_not_read(field, limit, words):
    scene = build_partnership_scene()
    client = signed_in(scene.lp_member)

    at_limit = client.post(CHECK, {field: "leverage " + "a" * (limit - 9)})
    over = client.post(CHECK, {field: "leverage " + "a" * (limit - 8)})

    assert hints_of(at_limit) == ["Instead of “leverage”, try “use”."]
    assert over.status_code == 200
    assert hints_of(over) == []
    assert (
        f"This is longer than {words} characters, so it cannot be saved." in over.content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"title": "leverage"}, {"so_what": "a", "recommendations": "b"}, {"text-": "x"}],
)
def test_anything_but_one_box_of_words_is_a_bad_request(data):
    scene = build_partnership_scene()

    response = signed_in(scene.lp_member).post(CHECK, data)

    assert response.status_code == 400
    assert response.content.decode() == "Send the words of one field to check."


def test_signed_out_the_page_is_left_alone_and_a_plain_request_is_sent_to_sign_in():
    plain = Client().post(CHECK, {"so_what": JARGON_TEXT})
    htmx = Client().post(CHECK, {"so_what": JARGON_TEXT}, headers={"HX-Request": "true"})

    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("account_login"))
    assert (htmx.status_code, htmx.content) == (204, b"")


def test_only_post_is_answered():
    scene = build_partnership_scene()

    assert signed_in(scene.lp_member).get(CHECK, {"so_what": "x"}).status_code == 405


def test_one_person_may_check_only_so_often(settings):
    settings.LEARNHUB_PLAIN_WORDS_PER_MINUTE = 2
    scene = build_partnership_scene()
    client = signed_in(scene.lp_member)

    answers = [client.post(CHECK, {"so_what": JARGON_TEXT}) for _ in range(3)]
    someone_else = signed_in(scene.grantee_member).post(CHECK, {"so_what": JARGON_TEXT})

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert someone_else.status_code == 200


def test_the_edit_page_checks_each_box_as_it_is_typed_in():
    scene = brief_scene()
    brief = drafted(scene)

    text = signed_in(scene.lp_member).get(reverse("evidence:brief-edit", args=[brief.pk]))
    page = text.content.decode()

    for name, field_id in [
        ("so_what", "id_so_what"),
        ("recommendations", "id_recommendations"),
        ("challenge-0-text", "id_challenge-0-text"),
    ]:
        found = re.search(rf'<textarea name="{name}"[^>]*>', page)
        assert found is not None
        box = found.group(0)
        assert f'hx-post="{CHECK}"' in box
        assert 'hx-trigger="input changed delay:700ms"' in box
        assert 'hx-target="next .plain-hints"' in box
        assert f'hx-params="csrfmiddlewaretoken,{name}"' in box
        assert f'<div class="plain-hints" id="{field_id}_plain" aria-live="polite"></div>' in page


def test_saving_reports_what_the_check_said_while_typing():
    scene = brief_scene()
    brief = drafted(scene)
    client = signed_in(scene.lp_member)

    typed = client.post(CHECK, {"so_what": JARGON_TEXT})
    client.post(
        reverse("evidence:brief-edit", args=[brief.pk]),
        {
            "so_what": JARGON_TEXT,
            "recommendations": "",
            "challenge-TOTAL_FORMS": "0",
            "challenge-INITIAL_FORMS": "0",
        },
    )

    brief.refresh_from_db()
    report = brief.plain_language
    assert {key: report[key] for key in ("jargon", "acronyms", "long_sentences")} == (
        plain_words_hints(JARGON_TEXT)
    )
    assert [j["term"] for j in report["jargon"]] == ["going forward", "leverage"]
    assert len(hints_of(typed)) == 3


# --- The API ---------------------------------------------------------------------------------

API_CHECK = reverse("api:plain-words-check")


def api_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_api_answers_the_same_hints():
    scene = build_partnership_scene()
    sentence = " ".join(["we"] * 26) + "."

    response = api_client(scene.grantee_member).post(
        API_CHECK, {"text": f"{JARGON_TEXT}\n\n{sentence}"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "long_sentences": [{"text": sentence, "words": 26}],
        "acronyms": [{"term": "KPI", "count": 1}],
        "jargon": [
            {"term": "going forward", "instead": "from now on", "count": 1},
            {"term": "leverage", "instead": "use", "count": 1},
        ],
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"text": "a" * 10_001}, "Ensure this field has no more than 10000 characters."),
        ({}, "This field is required."),
        ({"text": ["a"]}, "Not a valid string."),
    ],
)
def test_the_api_refuses_what_is_not_a_text_it_may_check(body, problem):
    scene = build_partnership_scene()

    response = api_client(scene.lp_member).post(API_CHECK, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"text": [problem]}


def test_the_api_needs_sign_in():
    assert APIClient().post(API_CHECK, {"text": "x"}, format="json").status_code == 401

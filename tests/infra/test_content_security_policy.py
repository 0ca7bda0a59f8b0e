"""Every page answers with a strict, nonce-based Content-Security-Policy, and the inline
code that templates write carries the response's nonce."""

import re

import pytest
from django.test import Client

from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "img-src": ["'self'", "data:"],
}


def policy_of(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_site_policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = policy_of(response)
    for name, values in DIRECTIVES.items():
        assert policy[name] == values, (name, policy)
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[name]
        assert "'unsafe-eval'" not in policy[name]
        assert policy[name][0] == "'self'"
    return policy


def nonces_in(html: str) -> set[str]:
    return set(re.findall(r'<(?:script|style)[^>]*\snonce="([^"]+)"', html))


def inline_code_without_nonce(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    return [
        tag
        for tag in tags
        if "nonce=" not in tag and " src=" not in tag and 'type="application/json"' not in tag
    ]


def test_every_kind_of_page_answers_with_the_policy(client):
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body="Warm on Tuesdays.", questions=[scene.q1])
    brief = drafted(scene)
    signed_in = Client()
    signed_in.force_login(scene.lp_member)
    pk = scene.partnership.pk
    pages = {
        "/": client,
        "/accounts/login/": client,
        "/accounts/signup/": client,
        "/accounts/password/reset/": client,
        "/api/docs/": client,
        "/healthz/": client,
        "/admin/login/": client,
        "/no-such-page/": client,
        "/dashboard/": signed_in,
        f"/partnerships/{pk}/": signed_in,
        f"/partnerships/{pk}/evidence/": signed_in,
        f"/partnerships/{pk}/briefs/": signed_in,
        f"/briefs/{brief.pk}/": signed_in,
        "/api/v1/me/": signed_in,
        "/_allauth/browser/v1/config": client,
    }

    for path, by in pages.items():
        response = by.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert_site_policy(response)


def test_inline_code_in_pages_carries_the_responses_nonce(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    policy = assert_site_policy(response)

    nonces = nonces_in(html)
    assert len(nonces) == 1
    nonce = nonces.pop()
    assert f"'nonce-{nonce}'" in policy["script-src"]
    assert f"'nonce-{nonce}'" in policy["style-src"]
    assert inline_code_without_nonce(html) == []
    assert (
        client.get("/api/docs/")["Content-Security-Policy"] != response["Content-Security-Policy"]
    )


def test_no_template_page_has_inline_code_without_a_nonce(client):
    scene = brief_scene()
    brief = drafted(scene)
    signed_in = Client()
    signed_in.force_login(scene.lp_member)

    pages = {"/": client, "/accounts/login/": client, "/dashboard/": signed_in}
    pages[f"/briefs/{brief.pk}/"] = signed_in
    for path, by in pages.items():
        response = by.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert inline_code_without_nonce(html) == [], path
        assert '"includeIndicatorStyles": false' in html, path


@pytest.mark.parametrize(
    "path", ["/api/v1/briefs/{pk}/export/?format=html", "/briefs/{pk}/download/html/"]
)
def test_the_html_brief_carries_its_own_policy_with_a_nonce_for_its_style(path):
    scene = brief_scene()
    brief = drafted(scene)
    signed_in = Client()
    signed_in.force_login(scene.lp_member)

    response = signed_in.get(path.format(pk=brief.pk))

    assert response.status_code == 200
    html = response.content.decode()
    (nonce,) = nonces_in(html)
    assert policy_of(response) == {
        "default-src": ["'none'"],
        "style-src": [f"'nonce-{nonce}'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; '
        f"style-src &#x27;nonce-{nonce}&#x27;;" in html
    )
    assert inline_code_without_nonce(html) == []
    assert re.search(r"<script\b", html) is None

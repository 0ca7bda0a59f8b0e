"""A party's evidence stays its own to export after it leaves or is removed, and nothing
else of the partnership opens to it."""

import csv
import io

import pytest
from django.urls import reverse

from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_PARTIES,
    api,
    api_client,
    build_evidence_scene,
    grant,
    page,
    web_client,
)
from tests.partnerships.factories import add_member, add_party

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def leave(scene) -> None:  # type: ignore[no-untyped-def]
    left = api_client(scene.grantee_admin).post(
        api("partnership-party-leave", pk=scene.partnership.pk, party_pk=scene.grantee_party.pk)
    )
    assert left.status_code == 200


def remove(scene) -> None:  # type: ignore[no-untyped-def]
    removed = api_client(scene.funder_admin).post(
        api("partnership-party-remove", pk=scene.partnership.pk, party_pk=scene.grantee_party.pk)
    )
    assert removed.status_code == 200


@pytest.mark.parametrize("take_out", [leave, remove])
def test_a_party_that_left_or_was_removed_exports_what_it_submitted_through_the_api(take_out):
    scene = build_evidence_scene()
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    mine = [EvidenceFactory.create(party=scene.grantee_party, title=f"Ours {n}") for n in range(2)]
    EvidenceFactory.create(party=scene.other_grantee_party, title="Theirs")
    take_out(scene)
    client = api_client(scene.grantee_member)

    export = client.get(api("partnership-evidence-export", pk=scene.partnership.pk))

    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(export)
    assert sorted(int(row["id"]) for row in rows) == sorted(e.pk for e in mine)
    assert {row["party"] for row in rows} == {scene.grantee_party.organisation.name}
    # Everything else of the partnership stays closed to it.
    for name in [
        "partnership-detail",
        "partnership-evidence",
        "partnership-evidence-coverage",
        "partnership-evidence-import-template",
        "partnership-briefs",
        "partnership-parties",
    ]:
        assert client.get(api(name, pk=scene.partnership.pk)).status_code == 404, name
    assert client.get(api("evidence-detail", pk=mine[0].pk)).status_code == 404


def test_the_api_lists_the_partnerships_left_with_where_to_export():
    scene = build_evidence_scene()
    EvidenceFactory.create_batch(3, party=scene.grantee_party)
    leave(scene)
    scene.grantee_party.refresh_from_db()

    listed = api_client(scene.grantee_member).get(reverse("api:me-left-partnerships"))

    assert listed.status_code == 200
    assert listed.json()["results"] == [
        {
            "partnership": {"id": scene.partnership.pk, "title": scene.partnership.title},
            "party": scene.grantee_party.pk,
            "organisation": {
                "id": scene.grantee_party.organisation_id,
                "name": scene.grantee_party.organisation.name,
            },
            "left_at": listed.json()["results"][0]["left_at"],
            "evidence_count": 3,
            "export": f"/api/v1/partnerships/{scene.partnership.pk}/evidence/export.csv",
        }
    ]
    assert listed.json()["results"][0]["left_at"] is not None
    assert (
        api_client(scene.other_grantee_member)
        .get(reverse("api:me-left-partnerships"))
        .json()["results"]
        == []
    )


def test_the_dashboard_links_to_the_export_and_the_page_downloads_it():
    scene = build_evidence_scene()
    item = EvidenceFactory.create(party=scene.grantee_party)
    leave(scene)
    client = web_client(scene.grantee_member)
    export_url = page("evidence-export", partnership_pk=scene.partnership.pk)

    dashboard = client.get("/dashboard/").content.decode()
    export = client.get(export_url)

    assert "Evidence from partnerships you have left" in dashboard
    assert f'href="{export_url}"' in dashboard
    assert export.status_code == 200
    assert [int(row["id"]) for row in rows_of(export)] == [item.pk]
    assert client.get(page("evidence-list", partnership_pk=scene.partnership.pk)).status_code == 404


def test_outsiders_and_parties_that_never_submitted_get_404():
    scene = build_evidence_scene()
    EvidenceFactory.create(party=scene.grantee_party)
    # Invited, then the invitation withdrawn: removed, with nothing submitted.
    withdrawn = add_party(scene.partnership, role="grantee", accepted=False)
    api_client(scene.funder_admin).post(
        api("partnership-party-remove", pk=scene.partnership.pk, party_pk=withdrawn.pk)
    )
    withdrawn.refresh_from_db()
    assert withdrawn.status == "removed"

    for user in [scene.outsider, add_member(withdrawn.organisation)]:
        api_export = api_client(user).get(
            api("partnership-evidence-export", pk=scene.partnership.pk)
        )
        page_export = web_client(user).get(
            page("evidence-export", partnership_pk=scene.partnership.pk)
        )
        assert (api_export.status_code, page_export.status_code) == (404, 404)

"""Importing 360Giving files: who may, what is kept, what is reported, and that running
an import again changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from grants.models import Grant, GrantImport
from grants.services import grant_import_run
from notifications.models import Notification
from partnerships.models import Membership, Organisation
from tests.grants.helpers import csv_bytes, grant_row, json_bytes, xlsx_bytes
from tests.partnerships.factories import OrganisationFactory, UserFactory, add_member, admin_of

URL = "/api/v1/grants/imports/"


@pytest.fixture
def funder_admin(db: None):  # type: ignore[no-untyped-def]
    return admin_of(OrganisationFactory.create(kind=Organisation.Kind.FUNDER))


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def _upload(client: APIClient, data: bytes, name: str, capture) -> dict:  # type: ignore[no-untyped-def,type-arg]
    with capture(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    detail = client.get(f"{URL}{response.json()['id']}/")
    assert detail.status_code == 200
    return detail.json()


@pytest.mark.parametrize(
    ("maker", "name", "bad_row"),
    [(csv_bytes, "grants.csv", 3), (xlsx_bytes, "grants.xlsx", 3), (json_bytes, "grants.json", 2)],
)
def test_good_rows_are_kept_and_bad_rows_reported_by_their_number(
    funder_admin, django_capture_on_commit_callbacks, maker, name, bad_row
):
    rows = [grant_row(1), grant_row(2, **{"Amount Awarded": ""}), grant_row(3)]

    result = _upload(_client(funder_admin), maker(rows), name, django_capture_on_commit_callbacks)

    assert result["status"] == "done"
    assert result["rows"] == 3
    assert result["imported"] == 2
    assert result["errors"] == [{"row": bad_row, "message": "The amount awarded is missing."}]
    grant = Grant.objects.get(identifier="360G-TEST-0001")
    assert grant.title == "Respite breaks for young carers 1"
    assert grant.amount_awarded == Decimal("15000.00")
    assert grant.award_date == datetime.date(2025, 3, 1)
    assert grant.recipient_name == "Carers Trust 1"
    assert grant.funder_name == "Test Foundation"
    assert set(Grant.objects.values_list("identifier", flat=True)) == {
        "360G-TEST-0001",
        "360G-TEST-0003",
    }


def test_each_problem_of_a_row_is_named(funder_admin, django_capture_on_commit_callbacks):
    rows = [
        grant_row(
            1,
            Currency="pounds",
            **{"Amount Awarded": "-5", "Award Date": "next week", "Recipient Org:Name": ""},
        ),
        grant_row(2),
        grant_row(2, Title="Same identifier again"),
    ]

    result = _upload(
        _client(funder_admin), csv_bytes(rows), "g.csv", django_capture_on_commit_callbacks
    )

    assert result["errors"] == [
        {
            "row": 2,
            "message": "The recipient organisation's name is missing. The currency must be a "
            "three-letter code such as GBP. The amount awarded must be a number of 0 or more, "
            "such as 15000. The award date must be a date written as YYYY-MM-DD.",
        },
        {
            "row": 4,
            "message": "The identifier 360G-TEST-0002 is used again (first on row 3). "
            "This row was left out.",
        },
    ]
    assert result["imported"] == 1


def test_importing_the_same_identifiers_again_updates_them(
    funder_admin, django_capture_on_commit_callbacks
):
    client = _client(funder_admin)
    _upload(
        client, csv_bytes([grant_row(1), grant_row(2)]), "a.csv", django_capture_on_commit_callbacks
    )

    result = _upload(
        client,
        csv_bytes([grant_row(1, Title="A new title"), grant_row(2)]),
        "b.csv",
        django_capture_on_commit_callbacks,
    )

    assert result["imported"] == 2
    assert Grant.objects.count() == 2
    assert Grant.objects.get(identifier="360G-TEST-0001").title == "A new title"


def test_running_an_import_twice_changes_nothing(funder_admin, django_capture_on_commit_callbacks):
    result = _upload(
        _client(funder_admin),
        csv_bytes([grant_row(1)]),
        "a.csv",
        django_capture_on_commit_callbacks,
    )
    before = list(Grant.objects.values_list("identifier", "updated_at"))
    notices = Notification.objects.count()

    assert grant_import_run(import_id=result["id"]) is None

    assert list(Grant.objects.values_list("identifier", "updated_at")) == before
    assert Notification.objects.count() == notices
    assert GrantImport.objects.get(pk=result["id"]).status == "done"


def test_the_uploader_is_told_when_it_is_done(funder_admin, django_capture_on_commit_callbacks):
    rows = [grant_row(1), grant_row(2, Title="")]

    result = _upload(
        _client(funder_admin), csv_bytes(rows), "a.csv", django_capture_on_commit_callbacks
    )

    notice = Notification.objects.get(recipient=funder_admin)
    assert notice.subject == "Your grants data is imported"
    assert notice.body == (
        "1 of 2 grants from a.csv are imported. 1 rows had problems: the import's page lists them."
    )
    assert notice.url == f"/grants/imports/{result['id']}/"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"{not json",
            "g.json",
            "This file is not valid JSON. Check it was saved as a 360Giving JSON file.",
        ),
        (
            b'{"grants": 5}',
            "g.json",
            'A 360Giving JSON file must have a list of grants under "grants".',
        ),
        (
            b'{"grants": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "g.json",
            "This file is not valid JSON. Check it was saved as a 360Giving JSON file.",
        ),
        (
            b"Title,Amount\nA,1\n",
            "g.csv",
            "The first row must hold the 360Giving column titles. Missing: Identifier, "
            "Description, Currency, Amount Awarded, Award Date, Recipient Org:Identifier, "
            "Recipient Org:Name, Funding Org:Identifier, Funding Org:Name.",
        ),
        (b"\xff\xfe\x00I\x00d", "g.csv", "This file is not a CSV, Excel or JSON file."),
        (
            b"Identifier\xe9,Title\n",
            "g.csv",
            "This CSV file is not saved as UTF-8 text. Save it again as \u201cCSV UTF-8\u201d.",
        ),
        (
            b"PK\x03\x04 broken zip",
            "g.xlsx",
            "This Excel file could not be opened. Save it again as an .xlsx workbook.",
        ),
        (csv_bytes([]), "g.csv", "The file has no grants in it."),
    ],
)
def test_a_malformed_file_fails_with_a_plain_message(
    funder_admin, django_capture_on_commit_callbacks, data, name, message
):
    result = _upload(_client(funder_admin), data, name, django_capture_on_commit_callbacks)

    assert result["status"] == "failed"
    assert result["message"] == message
    assert result["imported"] == 0
    assert Grant.objects.count() == 0
    notice = Notification.objects.get(recipient=funder_admin)
    assert notice.subject == "Your grants data could not be imported"


@override_settings(LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES=1000)
def test_an_oversized_file_is_refused(funder_admin):
    client = _client(funder_admin)
    data = csv_bytes([grant_row(n) for n in range(1, 20)])
    assert len(data) > 1000

    response = client.post(URL, {"file": SimpleUploadedFile("g.csv", data)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            f"The file is {len(data) / 1024:.1f}\xa0KB. Files must be 1000\xa0bytes or smaller."
        ]
    }
    assert GrantImport.objects.count() == 0


def test_an_empty_file_is_refused(funder_admin):
    response = _client(funder_admin).post(
        URL, {"file": SimpleUploadedFile("g.csv", b"")}, format="multipart"
    )

    assert response.status_code == 400
    assert GrantImport.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["grantee_admin", "funder_member", "outsider"])
def test_only_operators_and_funder_admins_may_import(who):
    funder = OrganisationFactory.create(kind=Organisation.Kind.FUNDER)
    people = {
        "grantee_admin": admin_of(OrganisationFactory.create(kind=Organisation.Kind.GRANTEE)),
        "funder_member": add_member(funder, role=Membership.Role.MEMBER),
        "outsider": UserFactory.create(),
    }

    response = _client(people[who]).post(
        URL, {"file": SimpleUploadedFile("g.csv", csv_bytes([grant_row(1)]))}, format="multipart"
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only LearnHub's operators and admins of funder organisations can import "
        "grants data."
    }
    assert GrantImport.objects.count() == 0


@pytest.mark.django_db
def test_signed_out_people_cannot_import():
    response = APIClient().post(
        URL, {"file": SimpleUploadedFile("g.csv", csv_bytes([grant_row(1)]))}, format="multipart"
    )

    assert response.status_code == 401
    assert GrantImport.objects.count() == 0


def test_an_operator_may_import(django_capture_on_commit_callbacks, db):
    operator = UserFactory.create(is_staff=True)

    result = _upload(
        _client(operator), csv_bytes([grant_row(1)]), "g.csv", django_capture_on_commit_callbacks
    )

    assert result["imported"] == 1
    assert GrantImport.objects.get().organisation is None


def test_only_the_uploader_sees_an_import(funder_admin, django_capture_on_commit_callbacks):
    result = _upload(
        _client(funder_admin),
        csv_bytes([grant_row(1)]),
        "g.csv",
        django_capture_on_commit_callbacks,
    )
    other_admin = admin_of(OrganisationFactory.create(kind=Organisation.Kind.FUNDER))

    assert _client(other_admin).get(f"{URL}{result['id']}/").status_code == 404
    assert _client(other_admin).get(URL).json()["count"] == 0
    assert _client(funder_admin).get(URL).json()["count"] == 1

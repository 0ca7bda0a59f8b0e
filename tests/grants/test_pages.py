"""The grants pages: importing through the page, the progress part htmx asks for, the
refusal a grantee sees, and a search too long."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grants.models import GrantImport
from grants.services import grant_import_run
from partnerships.models import Organisation
from tests.grants.helpers import csv_bytes, grant_row
from tests.partnerships.factories import OrganisationFactory, admin_of, build_partnership_scene

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_funder_admin_imports_through_the_page_and_follows_its_progress():
    admin = admin_of(OrganisationFactory.create(kind=Organisation.Kind.FUNDER))
    client = _signed_in(admin)

    response = client.post(
        "/grants/imports/new/",
        {"file": SimpleUploadedFile("g.csv", csv_bytes([grant_row(1), grant_row(2)]))},
    )

    grant_import = GrantImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/grants/imports/{grant_import.pk}/"
    page = client.get(response["Location"])
    assert "Waiting to start." in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()

    grant_import_run(import_id=grant_import.pk)
    part = client.get(
        response["Location"], headers={"HX-Request": "true", "HX-Target": "import-progress"}
    )

    text = part.content.decode()
    assert "<html" not in text
    assert "Done. 2 of 2 grants imported." in text
    assert "hx-get" not in text
    assert part["Vary"].count("HX-Target") == 1


def test_a_grantee_admin_is_told_who_may_import():
    admin = admin_of(OrganisationFactory.create(kind=Organisation.Kind.GRANTEE))

    response = _signed_in(admin).post(
        "/grants/imports/new/",
        {"file": SimpleUploadedFile("g.csv", csv_bytes([grant_row(1)]))},
    )

    assert response.status_code == 403
    assert (
        "Only LearnHub&#x27;s operators and admins of funder organisations can import grants "
        "data." in response.content.decode()
    )
    assert GrantImport.objects.count() == 0


def test_a_page_with_no_file_shows_the_error():
    admin = admin_of(OrganisationFactory.create(kind=Organisation.Kind.FUNDER))

    response = _signed_in(admin).post("/grants/imports/new/", {})

    assert response.status_code == 400
    assert "Choose the file to import." in response.content.decode()
    assert GrantImport.objects.count() == 0


def test_similar_work_with_words_too_long_says_so():
    scene = build_partnership_scene()

    response = _signed_in(scene.grantee_member).get(
        f"/partnerships/{scene.partnership.pk}/similar-work/", {"q": "a" * 201}
    )

    assert response.status_code == 400
    assert "Use 200 characters or fewer." in response.content.decode()

"""Consent and permission-to-challenge records are never changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from consent.models import AppendOnlyError, ChallengeRecord, ConsentRecord
from tests.consent.helpers import decide, permit
from tests.partnerships.factories import UserFactory, build_partnership_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    scene = build_partnership_scene()
    return decide(scene.grantee_party, "participate"), permit(
        scene.grantee_party, ["*"], ["workshop"]
    )


def test_the_models_refuse_to_change_or_delete_a_record(records):
    for record in records:
        record.note = "changed" if isinstance(record, ConsentRecord) else ""
        with pytest.raises(AppendOnlyError, match="rows are never changed"):
            record.save()
        with pytest.raises(AppendOnlyError, match="rows are never deleted"):
            record.delete()

    assert ConsentRecord.objects.get().note == ""
    assert ChallengeRecord.objects.count() == 1


@pytest.mark.needs_postgres
@pytest.mark.parametrize("table", ["consent_consentrecord", "consent_challengerecord"])
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET decision = 'withdraw'", "DELETE FROM {table}"]
)
def test_on_postgresql_the_database_rejects_update_and_delete(records, table, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))

    assert ConsentRecord.objects.get().decision == "grant"
    assert ChallengeRecord.objects.get().decision == "grant"


@pytest.mark.needs_postgres
def test_on_postgresql_a_bulk_queryset_update_is_rejected_too(records):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.update(note="rewritten")

    assert ConsentRecord.objects.get().note == ""


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)  # committed rows: no deferred checks pending
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE consent_consentrecord CASCADE",
        "TRUNCATE consent_challengerecord, consent_challengestate",
        # A cascade from a table the history points at reaches the history too.
        "TRUNCATE partnerships_partnership CASCADE",
    ],
)
def test_on_postgresql_the_database_rejects_truncate(records, statement):
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert ConsentRecord.objects.count() == 1
    assert ChallengeRecord.objects.count() == 1


def test_the_admin_shows_records_read_only(records, client):
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(operator)
    consent, challenge = records

    listing = client.get(reverse("admin:consent_consentrecord_changelist"))
    view = client.get(reverse("admin:consent_consentrecord_change", args=[consent.pk]))
    add = client.get(reverse("admin:consent_consentrecord_add"))
    change = client.post(
        reverse("admin:consent_consentrecord_change", args=[consent.pk]),
        {"decision": "withdraw", "note": "changed"},
    )
    delete = client.post(
        reverse("admin:consent_consentrecord_delete", args=[consent.pk]), {"post": "yes"}
    )
    challenge_view = client.get(
        reverse("admin:consent_challengerecord_change", args=[challenge.pk])
    )

    assert listing.status_code == 200
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert challenge_view.status_code == 200
    consent.refresh_from_db()
    assert (consent.decision, consent.note) == ("grant", "")
    assert ConsentRecord.objects.count() == 1

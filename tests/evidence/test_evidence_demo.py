"""The demo's evidence: every kind, several parties, some not working, visible as the
demo's consents say, and safe to load again."""

import pytest
from django.core.management import call_command

from demo.management.commands.seed_demo_evidence import (
    FOOD_BANK,
    FUNDER,
    LEARNING_PARTNER,
    seed_demo_evidence,
)
from evidence.models import Evidence, EvidenceAttachment
from evidence.selectors import evidence_list
from evidence.uploads import content_type_of
from partnerships.models import Organisation, Party
from tests.evidence.items_helpers import agree_question
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipFactory,
    add_member,
    add_party,
    admin_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _demo_partnership():  # type: ignore[no-untyped-def]
    """Like ``seed_demo``'s active partnership: a food bank, a learning partner, two
    agreed questions."""
    funder = OrganisationFactory.create(name=FUNDER, kind=Organisation.Kind.FUNDER)
    partnership = PartnershipFactory.create(funder=funder, title="Food, care and connection")
    parties = {
        name: add_party(partnership, OrganisationFactory.create(name=name, kind=kind), role)
        for name, kind, role in (
            (FOOD_BANK, Organisation.Kind.GRANTEE, Party.Role.GRANTEE),
            (LEARNING_PARTNER, Organisation.Kind.LEARNING_PARTNER, Party.Role.LEARNING_PARTNER),
        )
    }
    agree_question(partnership, "What helps families keep coming?")
    agree_question(partnership, "What stops people getting to us?")
    partnership.status = "active"
    partnership.save(update_fields=["status"])
    return partnership, parties


def test_the_demo_partnership_gets_every_kind_from_every_party_once():
    partnership, parties = _demo_partnership()

    added = seed_demo_evidence()
    call_command("seed_demo_evidence")

    items = Evidence.objects.filter(partnership=partnership)
    assert added == items.count() == 12
    assert set(items.values_list("kind", flat=True)) == set(Evidence.Kind.values)
    assert {item.party.organisation.name for item in items} == {
        FOOD_BANK,
        LEARNING_PARTNER,
        FUNDER,
    }
    assert items.filter(valence="not_working").count() >= 2
    assert all(item.questions.exists() for item in items)
    for attachment in EvidenceAttachment.objects.all():
        assert content_type_of(attachment.file.read()) == attachment.content_type


def test_the_demo_shows_the_sharing_rules():
    partnership, parties = _demo_partnership()
    seed_demo_evidence()
    funder_person = add_member(partnership.funder)
    learning_partner = admin_of(parties[LEARNING_PARTNER].organisation)

    newcomer = add_party(partnership, role=Party.Role.GRANTEE)

    funder_sees = evidence_list(user=funder_person, partnership=partnership)
    partner_sees = evidence_list(user=learning_partner, partnership=partnership)
    newcomer_sees = evidence_list(user=admin_of(newcomer.organisation), partnership=partnership)

    assert {item.party.organisation.name for item in funder_sees} == {FOOD_BANK, FUNDER}
    assert partner_sees.count() == 12
    assert {item.party.organisation.name for item in newcomer_sees} == {FOOD_BANK, FUNDER}


def test_without_an_active_demo_partnership_nothing_happens():
    PartnershipFactory.create()

    assert seed_demo_evidence() == 0
    assert not Evidence.objects.exists()

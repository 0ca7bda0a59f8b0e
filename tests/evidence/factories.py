"""Evidence rows for tests, written directly to the table.

The consent rules' tests need evidence before the evidence services exist, and must be
able to make evidence of any party whatever its consent, so this factory does not go
through a service. ``EvidenceFactory(party=party)`` takes the partnership from the party;
without a party, a new partnership with an accepted grantee is made.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from evidence.models import Evidence
from partnerships.models import Party
from tests.partnerships.factories import PartnershipFactory, add_party, admin_of


def _new_grantee_party() -> Party:
    return add_party(PartnershipFactory.create(), role=Party.Role.GRANTEE)


class EvidenceFactory(DjangoModelFactory[Evidence]):
    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    party = factory.LazyFunction(_new_grantee_party)
    partnership = factory.SelfAttribute("party.partnership")
    submitted_by = factory.LazyAttribute(lambda o: admin_of(o.party.organisation))
    kind = Evidence.Kind.STORY
    title = factory.Sequence(lambda n: f"What we saw, part {n}")
    body = "Young people kept coming back when they could bring a friend."
    valence = Evidence.Valence.WORKING
    attribution = Evidence.Attribution.ANONYMOUS
    occurred_on = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))

    @factory.post_generation
    def questions(obj: Evidence, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.questions.set(extracted)  # type: ignore[arg-type]

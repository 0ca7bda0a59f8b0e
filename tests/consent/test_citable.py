"""Which evidence a brief may cite at each stage: one rule (``STAGE_NEEDS``), asked of
items (``evidence_citable_in``) and of parties (``parties_citable_in``), which must agree."""

from itertools import product

import pytest

from consent.selectors import STAGE_NEEDS, Stage, evidence_citable_in, parties_citable_in
from evidence.models import Evidence
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import add_evidence
from tests.partnerships.factories import add_party, build_partnership_scene

pytestmark = pytest.mark.django_db


def test_items_and_parties_are_citable_by_the_same_rule_at_every_stage():
    scene = build_partnership_scene()
    parties = [scene.grantee_party]
    parties += [add_party(scene.partnership) for _ in range(3)]
    # Every combination of participate and publish, one party each.
    for party, (participate, publish) in zip(
        parties, product((True, False), repeat=2), strict=True
    ):
        decide(party, "participate", "grant" if participate else "withdraw")
        decide(party, "publish", "grant" if publish else "withdraw")
        add_evidence(party)
    expected: dict[Stage, set[int]] = {
        "draft": {parties[0].pk, parties[1].pk},
        "published": {parties[0].pk},
    }
    assert set(STAGE_NEEDS) == set(expected)
    for stage, citable in expected.items():
        by_party = set(
            parties_citable_in(partnership_ids=[scene.partnership.pk], stage=stage).values_list(
                "pk", flat=True
            )
        )
        by_item = set(
            evidence_citable_in(
                queryset=Evidence.objects.all(), partnership_ids=[scene.partnership.pk], stage=stage
            ).values_list("party_id", flat=True)
        )
        assert by_party == citable
        assert by_item == citable


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="stage must be one of"):
        parties_citable_in(partnership_ids=[1], stage="archived")  # type: ignore[arg-type]

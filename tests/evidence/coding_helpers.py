"""What the coding tests share: a partnership whose learning partner codes the evidence
of two grantees, with two research questions."""

from dataclasses import dataclass
from typing import Any

from accounts.models import User
from evidence.cleaning import clean_evidence
from evidence.models import Code, Evidence, Excerpt
from evidence.services import evidence_submit
from evidence.services.coding import code_create, excerpt_create
from partnerships.models import Organisation, Partnership, Party, ResearchQuestion
from tests.evidence.items_helpers import PARTICIPATE, agree_question, grant
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    add_member,
    add_party,
    build_partnership_scene,
)

WARM_ROOM = "The warm room made the difference. Staff knew our names. The bus was late."
WAITING = "We waited two hours. Nobody told us why. The food was good."


@dataclass
class CodingScene:
    base: PartnershipScene
    other_party: Party
    other_member: User
    transport: ResearchQuestion
    welcome: ResearchQuestion
    warm_room: Evidence  # the grantee's story
    waiting: Evidence  # the other grantee's story

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


def submit(party: Party, by: User, *, title: str, body: str, on: str = "2026-10-12") -> Evidence:
    item = clean_evidence(
        {
            "kind": "story",
            "title": title,
            "body": body,
            "valence": "mixed",
            "attribution": "anonymous",
            "occurred_on": on,
        },
        partnership=party.partnership,
    )
    return evidence_submit(partnership=party.partnership, party=party, by=by, item=item)


def build_coding_scene(
    *, learning_mode: str = Partnership.LearningMode.LEARNING_FOR
) -> CodingScene:
    base = build_partnership_scene(learning_mode=learning_mode)
    other = add_party(
        base.partnership,
        OrganisationFactory.create(kind=Organisation.Kind.GRANTEE),
        Party.Role.GRANTEE,
    )
    other_member = add_member(other.organisation)
    transport = agree_question(base.partnership, "How do families get here?")
    welcome = agree_question(base.partnership, "What makes people feel welcome?")
    grant(base.grantee_party, PARTICIPATE)
    grant(other, PARTICIPATE)
    warm_room = submit(base.grantee_party, base.grantee_member, title="Warm room", body=WARM_ROOM)
    waiting = submit(other, other_member, title="Waiting", body=WAITING)
    return CodingScene(
        base=base,
        other_party=other,
        other_member=other_member,
        transport=transport,
        welcome=welcome,
        warm_room=warm_room,
        waiting=waiting,
    )


def code(scene: CodingScene, name: str, **extra: Any) -> Code:
    return code_create(partnership=scene.partnership, name=name, by=scene.lp_member, **extra)


def excerpt(
    scene: CodingScene,
    evidence: Evidence,
    words: str,
    codes: list[Code],
    questions: tuple[ResearchQuestion, ...] = (),
    memo: str = "",
) -> Excerpt:
    """Code the first occurrence of ``words`` in ``evidence``'s body."""
    start = evidence.body.index(words)
    return excerpt_create(
        evidence=evidence,
        start=start,
        end=start + len(words),
        code_ids=[c.pk for c in codes],
        question_ids=[q.pk for q in questions],
        memo=memo,
        by=scene.lp_member,
    )

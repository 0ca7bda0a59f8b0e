"""A partnership ready for insight briefs, shared by the brief and learning-action tests.

``brief_scene()`` builds, through the services: a commissioning funder, a learning
partner and two grantees (all accepted), two agreed research questions, and consent
for both grantees to take part and publish. Evidence is added with ``add_evidence``
(written directly, so a test can give any party evidence whatever its consent).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from evidence.models import Evidence, InsightBrief
from evidence.services.briefs import brief_draft, brief_request, brief_update
from partnerships.models import Party, ResearchQuestion
from tests.consent.helpers import agreed_question, decide, grant, permit
from tests.evidence.factories import EvidenceFactory
from tests.partnerships.factories import (
    PartnershipScene,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
SEPTEMBER = (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))


@dataclass
class BriefScene:
    base: PartnershipScene
    grantee2_party: Party
    grantee2_admin: User
    q1: ResearchQuestion
    q2: ResearchQuestion

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)


def brief_scene(**partnership_fields: Any) -> BriefScene:
    base = build_partnership_scene(**partnership_fields)
    grantee2 = add_party(base.partnership, role=Party.Role.GRANTEE)
    q1 = agreed_question(base.partnership, "Which activities keep young people coming back?")
    q2 = agreed_question(base.partnership, "What stops families asking for help?")
    for party in (base.grantee_party, grantee2):
        grant(party, "participate", "publish")
    return BriefScene(
        base=base,
        grantee2_party=grantee2,
        grantee2_admin=admin_of(grantee2.organisation),
        q1=q1,
        q2=q2,
    )


def activate(scene: BriefScene) -> None:
    """Make the partnership active (agreed discovery brief, agreed questions, a learning
    partner), as the schedule drafts briefs only for active partnerships."""
    from partnerships.models import Partnership
    from partnerships.services import (
        Complexity,
        discovery_brief_agree,
        discovery_brief_update,
        partnership_set_status,
    )

    partnership = scene.partnership
    discovery_brief_update(
        partnership=partnership,
        audience="The grantees.",
        desired_impact="Learn what works.",
        scope="One year.",
        complexity=Complexity(1, 3, 1, False, False),
        by=scene.lp_admin,
        party=scene.lp_party,
    )
    # Every accepted party agrees, as learning with asks (learning for needs only two).
    for party in partnership.parties.filter(status=Party.Status.ACCEPTED).select_related(
        "organisation"
    ):
        discovery_brief_agree(partnership=partnership, party=party, by=admin_of(party.organisation))
    partnership_set_status(
        partnership=partnership, status=Partnership.Status.ACTIVE, by=scene.funder_admin
    )
    partnership.refresh_from_db()


def add_evidence(party: Party, **fields: Any) -> Evidence:
    fields.setdefault("occurred_on", datetime.date(2026, 10, 10))
    item: Evidence = EvidenceFactory(party=party, **fields)  # type: ignore[assignment]
    return item


def statistic(party: Party, title: str, value: str, unit: str, **fields: Any) -> Evidence:
    baseline = fields.pop("baseline", None)
    return add_evidence(
        party,
        kind=Evidence.Kind.STATISTIC,
        title=title,
        body=fields.pop("body", ""),
        value=Decimal(value),
        unit=unit,
        baseline=Decimal(baseline) if baseline is not None else None,
        **fields,
    )


def drafted(
    scene: BriefScene, period: tuple[datetime.date, datetime.date] = OCTOBER
) -> InsightBrief:
    """The brief for ``period``, asked for by the learning partner and drafted by what the
    ``evidence.draft_brief`` task runs (tests run in a transaction that never commits, so
    the task queued after commit is run here instead)."""
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=period[0],
        period_end=period[1],
        by=scene.lp_member,
    )
    brief_draft(brief_id=brief.pk)
    brief.refresh_from_db()
    return brief


SO_WHAT = "Families come back when the welcome is warm, so keep the Tuesday club open."


def written(scene: BriefScene, brief: InsightBrief, so_what: str = SO_WHAT) -> InsightBrief:
    """``brief`` with its "so what?" written by the learning partner, as publishing needs
    (a brief no longer a draft is left as it is)."""
    brief.refresh_from_db()
    if brief.status != InsightBrief.Status.DRAFT or brief.so_what:
        return brief
    return brief_update(brief=brief, by=scene.lp_member, so_what=so_what)


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


__all__ = [
    "OCTOBER",
    "SEPTEMBER",
    "BriefScene",
    "activate",
    "add_evidence",
    "add_member",
    "brief_scene",
    "client_for",
    "decide",
    "drafted",
    "grant",
    "permit",
    "statistic",
    "api",
]

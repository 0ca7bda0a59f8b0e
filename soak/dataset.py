"""``python -m soak.dataset OUT.json``: the soak's small data set, made through the services.

Run by ``soak.run`` in the soak's own database, with the stack's settings (production's),
before any LearnHub process starts. One funder, ``SOAK_GRANTEES`` grantees and one
learning partner; ``SOAK_PARTNERSHIPS`` active partnerships with a weekly cadence, each
with the funder, two grantees and the learning partner, two agreed questions, consent
given (grantees: participate, publish, attribute, share with funder; the funder:
participate, publish) and a few weeks of evidence.

Half the partnerships became active weeks ago, so last week's brief is due when beat
first looks; the others became active today (nothing due) until the soak moves their
activation back, just before it sends duplicate beat ticks. That is the one change the
soak makes behind the services' back, and it is only a date: "as if it had been active
for a month". Every account gets the run's random password (``SOAK_PASSWORD``) and a
verified address, as production's mandatory verification requires.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import timedelta
from typing import Any


def build(password: str, partnerships: int, grantees: int) -> dict[str, Any]:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from consent.services import consent_record
    from evidence.cleaning import clean_evidence
    from evidence.models import Evidence
    from evidence.periods import london_today
    from evidence.services.items import evidence_submit
    from partnerships.models import Membership, Organisation, Partnership, Party
    from partnerships.services import (
        Complexity,
        discovery_brief_agree,
        discovery_brief_update,
        membership_set,
        organisation_create,
        partnership_create,
        partnership_set_status,
        party_accept,
        party_invite,
        question_propose,
        question_respond,
    )

    rng = random.Random(14)  # noqa: S311 - made-up data, not secrets
    people: list[dict[str, Any]] = []

    def person(email: str, name: str) -> User:
        user = User.objects.create_user(email, password, name=name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def organisation(name: str, kind: str, role: str, slug: str) -> tuple[Organisation, User]:
        admin = person(f"{slug}.admin@soak.example.org", f"{name} admin")
        org = organisation_create(name=name, kind=kind, by=admin)
        people.append({"email": admin.email, "role": role, "organisation": org.pk, "admin": True})
        member = person(f"{slug}.member@soak.example.org", f"{name} member")
        membership_set(organisation=org, user=member, role=Membership.Role.MEMBER)
        people.append({"email": member.email, "role": role, "organisation": org.pk, "admin": False})
        return org, admin

    with transaction.atomic():
        funder, funder_admin = organisation(
            "Soak Foundation", Organisation.Kind.FUNDER, "funder", "funder"
        )
        learning, learning_admin = organisation(
            "Soak Learning Co-op", Organisation.Kind.LEARNING_PARTNER, "learning_partner", "lp"
        )
        probe_org, probe_admin = organisation(
            "Soak Probe Grantee", Organisation.Kind.GRANTEE, "probe", "probe"
        )
        grantee_orgs = [
            organisation(f"Soak Grantee {n}", Organisation.Kind.GRANTEE, "grantee", f"grantee{n}")
            for n in range(1, grantees + 1)
        ]

    today = london_today()
    made: list[dict[str, Any]] = []
    probe: dict[str, Any] = {}
    for n in range(partnerships):
        with transaction.atomic():
            partnership = partnership_create(
                title=f"Soak partnership {n + 1}",
                funder=funder,
                learning_mode=Partnership.LearningMode.LEARNING_FOR,
                priority_audience=Partnership.PriorityAudience.GRANTEES,
                brief_cadence=Partnership.Cadence.WEEKLY,
                description="Made by the soak test.",
                by=funder_admin,
            )
            funder_party = Party.objects.get(partnership=partnership, organisation=funder)
            chosen = [grantee_orgs[(2 * n + k) % len(grantee_orgs)] for k in range(2)]
            grantee_party_ids: dict[str, int] = {}
            parties: dict[str, Any] = {"funder": funder_party.pk, "grantees": grantee_party_ids}
            grantee_parties = []
            for org, admin in chosen:
                party = party_invite(
                    partnership=partnership, organisation=org, role=Party.Role.GRANTEE,
                    by=funder_admin,
                )  # fmt: skip
                party = party_accept(party=party, by=admin)
                grantee_parties.append((party, admin))
                grantee_party_ids[str(org.pk)] = party.pk
            lp_party = party_accept(
                party=party_invite(
                    partnership=partnership, organisation=learning,
                    role=Party.Role.LEARNING_PARTNER, by=funder_admin,
                ),
                by=learning_admin,
            )  # fmt: skip
            parties["learning_partner"] = lp_party.pk
            probe_party = None
            if n == 0:
                # The probe: a grantee no person of the load plays. The soak withdraws its
                # consent while Redis is down, and nothing else re-renders its briefs.
                probe_party = party_accept(
                    party=party_invite(
                        partnership=partnership, organisation=probe_org,
                        role=Party.Role.GRANTEE, by=funder_admin,
                    ),
                    by=probe_admin,
                )  # fmt: skip
                grantee_parties.append((probe_party, probe_admin))
            discovery_brief_update(
                partnership=partnership,
                audience="The grantees first.",
                desired_impact="Fewer people turned away.",
                scope="Everything the grants pay for.",
                complexity=Complexity(
                    duration_years=1,
                    partner_count=4,
                    workstream_count=1,
                    differing_aims=False,
                    power_imbalance=True,
                ),  # fmt: skip
                open_questions="",
                by=learning_admin,
                party=lp_party,
            )
            discovery_brief_agree(partnership=partnership, party=funder_party, by=funder_admin)
            discovery_brief_agree(partnership=partnership, party=lp_party, by=learning_admin)
            questions = [
                question_propose(
                    partnership=partnership, party=lp_party, text=text, by=learning_admin
                )
                for text in (
                    "What helps people come back for support?",
                    "What stops people from getting help on the day?",
                )
            ]
            answerers = [(funder_party, funder_admin), (lp_party, learning_admin)]
            for question in questions:
                for party, admin in [*answerers, *grantee_parties]:
                    question_respond(question=question, party=party, decision="agree", by=admin)
            for party, admin in grantee_parties:
                for purpose in ("participate", "publish", "attribute", "share_with_funder"):
                    consent_record(party=party, purpose=purpose, decision="grant", by=admin)
            for purpose in ("participate", "publish"):
                consent_record(
                    party=funder_party, purpose=purpose, decision="grant", by=funder_admin
                )
            partnership_set_status(
                partnership=partnership, status=Partnership.Status.ACTIVE, by=funder_admin
            )
            due = n % 2 == 0
            if due:
                Partnership.objects.filter(pk=partnership.pk).update(
                    status_changed_at=timezone.now() - timedelta(weeks=10)
                )
            for party, admin in grantee_parties:
                for k in range(8):
                    if party == probe_party:  # one item in each of the last eight weeks
                        day = today - timedelta(days=today.weekday() + 7 * k + 5)
                    else:
                        day = today - timedelta(days=rng.randrange(1, 42))
                    evidence_submit(
                        partnership=partnership,
                        party=party,
                        by=admin,
                        item=clean_evidence(
                            {
                                "kind": rng.choice(["quote", "story", "statistic"]),
                                "title": f"seeded {partnership.pk}-{party.pk}-{k}",
                                "body": rng.choice(
                                    [
                                        "People came back because the adviser remembered them.",
                                        "The queue was too long and people left before help.",
                                        "Evening sessions filled up; mornings stayed empty.",
                                    ]
                                ),
                                "value": rng.randrange(5, 60),
                                "unit": "people",
                                "valence": rng.choice(["working", "not_working", "mixed"]),
                                "attribution": rng.choice(["named", "anonymous"]),
                                "questions": [rng.choice(questions).pk],
                                "occurred_on": day.isoformat(),
                            },
                            partnership=partnership,
                        ),
                    )
        if probe_party is not None:
            probe = {
                "partnership": partnership.pk,
                "party": probe_party.pk,
                "email": probe_admin.email,
                "evidence": list(
                    Evidence.objects.filter(party=probe_party).values_list("pk", flat=True)
                ),
            }
        made.append(
            {
                "id": partnership.pk,
                "due": due,
                "parties": parties,
                "questions": [q.pk for q in questions],
            }
        )
    return {"people": people, "partnerships": made, "probe": probe}


def main() -> None:
    out = sys.argv[1]
    data = build(
        os.environ["SOAK_PASSWORD"],
        int(os.environ.get("SOAK_PARTNERSHIPS", "4")),
        int(os.environ.get("SOAK_GRANTEES", "4")),
    )
    with open(out, "w") as file:
        json.dump(data, file)


if __name__ == "__main__":
    main()

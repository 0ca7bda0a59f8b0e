"""Demo data for the codebook: a few codes of the active demo partnership, with excerpts
of its evidence coded to them by the learning partner, so the Codebook tab, the matrices
and the briefs' coded themes show something.

Called by ``seed_demo`` after the evidence and before the briefs; through the services,
and only when the partnership has no codes yet.
"""

from __future__ import annotations

from django.db import transaction

from evidence.models import Code, Evidence
from evidence.services.coding import code_create, excerpt_create
from partnerships.models import Membership, Partnership, Party

#: (code, memo, words of the demo evidence coded to it).
CODES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Feeling welcome",
        "People come back where nobody judges them: the welcome is the service.",
        ("I don’t feel judged here.", "They ask how the kids are, not why I need help."),
    ),
    (
        "Getting here",
        "Transport decides who can use advice at all.",
        ("a third cannot get to us without a bus, and the Thursday bus has been cut.",),
    ),
    (
        "Reminders",
        "",
        (
            "She said a text the day before would have helped",
            "Fewer people came back after we stopped sending text reminders",
        ),
    ),
    (
        "Same-day help",
        "",
        ("The adviser sorted out his Universal Credit claim that same morning.",),
    ),
)


@transaction.atomic
def seed_coding_demo(partnership: Partnership) -> int:
    """Code the demo evidence; returns how many excerpts were made (none once the
    partnership has a codebook)."""
    if Code.objects.filter(partnership=partnership).exists():
        return 0
    membership = (
        Membership.objects.filter(
            organisation__parties__partnership=partnership,
            organisation__parties__role=Party.Role.LEARNING_PARTNER,
            organisation__parties__status=Party.Status.ACCEPTED,
        )
        .select_related("user")
        .order_by("-role", "pk")  # a plain member first, as people do the coding
        .first()
    )
    if membership is None:
        return 0
    by = membership.user
    items = list(Evidence.objects.filter(partnership=partnership).order_by("pk"))
    made = 0
    for name, memo, phrases in CODES:
        code = code_create(partnership=partnership, name=name, memo=memo, by=by)
        for words in phrases:
            item = next((i for i in items if words in i.body), None)
            if item is None:
                continue
            start = item.body.index(words)
            excerpt_create(
                evidence=item, start=start, end=start + len(words), code_ids=[code.pk], by=by
            )
            made += 1
    return made

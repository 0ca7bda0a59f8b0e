"""Who can see an item, as the API and the pages say it.

Who may read what is decided once, in ``consent.selectors`` (``SharingState.visible_to``);
this module only shapes that answer: the API's ``visible_to`` entries and the plain words
of the evidence pages and forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consent.models import ConsentRecord
from consent.selectors import OWN, SharingState, VisibleTo
from partnerships.models import Party

Purpose = ConsentRecord.Purpose

#: Why a party's people may read the item, after whose evidence it is ("your
#: organisation", or the organisation's name).
_REASONS: dict[str, str] = {
    OWN: "it is {whose} own evidence",
    Purpose.PARTICIPATE: "{who} agreed to take part, which lets the learning partner read "
    "its evidence",
    Purpose.SHARE_WITH_FUNDER: "{who} agreed to share evidence with the funder",
    Purpose.SHARE_WITH_PARTIES: "{who} agreed to share evidence with the other parties",
}


def visible_to_json(entries: Iterable[VisibleTo]) -> list[dict[str, Any]]:
    """``visible_to`` as the API gives it (``VisibleToSerializer`` documents the shape)."""
    return [
        {
            "party": entry.party.pk,
            "organisation": {
                "id": entry.party.organisation_id,
                "name": entry.party.organisation_name,
                "kind": entry.party.organisation_kind,
            },
            "role": entry.party.role,
            "because": entry.because,
        }
        for entry in entries
    ]


@dataclass(frozen=True)
class Reader:
    """One line of "Who can see this": an organisation, its role and why, in plain words."""

    organisation: str
    role: str
    reason: str
    yours: bool


def readers(entries: Iterable[VisibleTo], *, owner: str, owner_is_yours: bool) -> list[Reader]:
    """The lines of "Who can see this" for an item of the organisation ``owner``;
    ``owner_is_yours``: the person reading the page is in that organisation's party."""
    who = "your organisation" if owner_is_yours else owner
    whose = "your organisation’s" if owner_is_yours else f"{owner}’s"
    return [
        Reader(
            organisation=entry.party.organisation_name,
            role=Party.Role(entry.party.role).label.lower(),
            reason=_REASONS[entry.because].format(who=who, whose=whose),
            yours=entry.party.mine,
        )
        for entry in entries
    ]


def readers_of(sharing: SharingState, party_id: int) -> list[Reader]:
    """The lines of "Who can see this" for an item (or a new item) of the party
    ``party_id``, for the person ``sharing`` was read for; none when that party is not
    taking part."""
    owner = sharing.party(party_id)
    if owner is None:
        return []
    return readers(
        sharing.visible_to(party_id), owner=owner.organisation_name, owner_is_yours=owner.mine
    )

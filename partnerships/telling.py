"""How the partnerships services tell people things (in-app and by email).

Notifications live in ``notifications``, above ``partnerships`` (a notification points
at a partnership), and imports only point down. So the notifications app registers its
teller here from its ``AppConfig.ready``, as the apps above register dashboard
sections, and a service calls ``tell`` inside its own transaction: the notifications
are written with the change they report, and their emails go after commit.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Tidings:
    """One thing to tell the active members (or only the admins) of some organisations,
    except ``not_to`` (the person who did it)."""

    partnership_id: int
    organisation_ids: Sequence[int]
    kind: str
    subject: str
    body: str
    url: str = ""
    admins_only: bool = False
    not_to: int | None = None


Teller = Callable[[Sequence[Tidings]], object]
_TELLERS: list[Teller] = []


def teller_register(teller: Teller) -> None:
    """Set (or replace, on a re-run of ``ready``) the function that tells people."""
    _TELLERS[:] = [teller]


def tell(tidings: Sequence[Tidings]) -> None:
    """Tell people ``tidings`` (in the caller's transaction)."""
    wanted = [t for t in tidings if t.organisation_ids]
    if not wanted:
        return
    if not _TELLERS:
        raise ImproperlyConfigured("No teller: the notifications app registers it when ready.")
    _TELLERS[0](wanted)

"""What came out of a session, as its page lists it.

Evidence recorded from a session lives in ``evidence``, above ``rhythm``, and imports
only point down. So the evidence app registers, from its ``AppConfig.ready``, the reader
of the items of a session that a person may see (its own visibility rules), as apps
register dashboard sections.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from accounts.models import User
from rhythm.models import LearningSession

OutputsReader = Callable[[User, LearningSession], Sequence[object]]
_READERS: list[OutputsReader] = []


def session_outputs_register(reader: OutputsReader) -> None:
    """Set (or replace, on a re-run of ``ready``) the reader of a session's outputs."""
    _READERS[:] = [reader]


def session_outputs_for(*, user: User, session: LearningSession) -> list[object]:
    """The items recorded from ``session`` that ``user`` may see (none without a reader)."""
    return list(_READERS[0](user, session)) if _READERS else []

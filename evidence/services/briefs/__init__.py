"""Every write of insight briefs, one module per job; import them from here.

The life of a brief: ``brief_request`` (the learning partner, or the beat task
``briefs_draft_due`` on the partnership's cadence) makes the one row for a partnership
and period — a database constraint guarantees there is never a second — and queues
``evidence.draft_brief`` after commit (the schedule queues ``evidence.draft_briefs``, a
batch at a time). ``briefs_draft`` (both tasks) locks the rows and computes the drafts
from evidence with ``participate`` consent, in one transaction: a worker killed
half-way leaves the briefs "drafting" for the next delivery to redo, and a second
delivery finds them drafted and changes nothing. The learning partner edits the
so-what, recommendations and challenges (``brief_update``) and publishes
(``brief_publish``), which re-computes the brief from evidence that also has ``publish``
consent and refuses while any challenge lacks its party's permission for published
briefs. After a consent change ``briefs_rerender_for_party`` re-computes drafts and
re-renders published briefs with a redaction note.

One module per job: ``requesting`` (asking, redrafting, queueing the drafting),
``drafting`` (the tasks' work, storing), ``editing``, ``publishing``, ``rerendering``
(after a consent change) and ``schedule`` (beat); ``shared`` holds what they share.
Learning actions are ``evidence.services.learning_actions``.
"""

from .drafting import brief_draft, briefs_draft
from .editing import (
    CHALLENGE_TEXT_MAX,
    CHALLENGES_MAX,
    RECOMMENDATIONS_MAX,
    SO_WHAT_MAX,
    brief_update,
    clean_challenges,
)
from .notices import NOTHING_TO_SEND, brief_acknowledge, brief_notify_challenged
from .publishing import (
    CHALLENGES_ADVICE,
    SO_WHAT_MISSING,
    NotReadyToPublish,
    brief_publish,
    unpermitted_challenges,
)
from .requesting import (
    DRAFT_BRIEF_TASK,
    DRAFT_BRIEFS_TASK,
    MAX_PERIOD_DAYS,
    brief_redraft,
    brief_request,
)
from .rerendering import brief_rerender, briefs_rerender_for_party
from .schedule import REMINDER_DAYS_BEFORE_END, briefs_draft_due, evidence_reminders_send

__all__ = [
    "CHALLENGES_MAX",
    "CHALLENGE_TEXT_MAX",
    "DRAFT_BRIEFS_TASK",
    "DRAFT_BRIEF_TASK",
    "MAX_PERIOD_DAYS",
    "RECOMMENDATIONS_MAX",
    "REMINDER_DAYS_BEFORE_END",
    "SO_WHAT_MAX",
    "brief_draft",
    "CHALLENGES_ADVICE",
    "NOTHING_TO_SEND",
    "NotReadyToPublish",
    "brief_acknowledge",
    "brief_notify_challenged",
    "SO_WHAT_MISSING",
    "brief_publish",
    "brief_redraft",
    "brief_request",
    "brief_rerender",
    "brief_update",
    "briefs_draft",
    "briefs_draft_due",
    "briefs_rerender_for_party",
    "clean_challenges",
    "evidence_reminders_send",
    "unpermitted_challenges",
]

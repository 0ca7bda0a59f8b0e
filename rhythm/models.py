"""Learning sessions: the reflection sessions, action learning sets and after action
reviews a partnership schedules, with the parties who attend and the prompts they use.

Evidence recorded from a session points at it (``evidence.Evidence.session``); this app
never imports ``evidence``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from learnhub.models import TimeStampedModel
from partnerships.models import Partnership, Party

DURATION_MIN = 15
DURATION_MAX = 8 * 60


#: The evidence kind (``evidence.Evidence.Kind``) a session's outputs are recorded as. An
#: action learning set is peers reflecting on their own practice, which is what a
#: learning log asks ("What did you learn? What patterns have you seen?").
EVIDENCE_KIND = {
    "reflection": "reflection",
    "after_action_review": "after_action_review",
    "action_learning_set": "learning_log",
}


class LearningSession(TimeStampedModel):
    class Kind(models.TextChoices):
        REFLECTION = "reflection", "Reflection session"
        ACTION_LEARNING_SET = "action_learning_set", "Action learning set"
        AFTER_ACTION_REVIEW = "after_action_review", "After action review"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="learning_sessions"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    parties = models.ManyToManyField(Party, related_name="learning_sessions")
    #: Short questions to think about, as a list of strings.
    prompts = models.JSONField(default=list, blank=True)
    #: The calendar event's UID: the same for the session's whole life, so calendars
    #: update the event rather than add another.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: The calendar event's SEQUENCE: one more at each change people's calendars must take.
    sequence = models.PositiveIntegerField(default=0)
    #: When the day-before reminder went; cleared when the time changes, so it goes again.
    reminded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="learning_sessions_scheduled",
    )

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["partnership", "starts_at"]),
            # The reminder sweep reads only sessions still waiting for theirs.
            models.Index(
                fields=["starts_at"],
                condition=Q(reminded_at__isnull=True, cancelled_at__isnull=True),
                name="session_reminder_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=DURATION_MIN, duration_minutes__lte=DURATION_MAX),
                name="session_duration_bounded",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reflection", "action_learning_set", "after_action_review"]),
                name="session_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rhythm:session-detail", args=[self.pk])

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def evidence_kind(self) -> str:
        """The evidence kind its outputs are recorded as (``EVIDENCE_KIND``)."""
        return EVIDENCE_KIND[self.kind]

"""Consent and permission-to-challenge: append-only event rows plus a derived current state.

The record tables are never updated or deleted (``save`` refuses updates, ``delete``
refuses, and on PostgreSQL a trigger rejects UPDATE/DELETE). The ``*State`` tables are
projections of those histories, written only by ``consent.services`` in the same
transaction as the record, under a row lock on the party; a unique constraint makes a
duplicate current state impossible.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnhub.models import TimeStampedModel
from partnerships.models import Partnership, Party, ResearchQuestion


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a history row."""


#: On PostgreSQL, TRUNCATE of a history table (directly or by CASCADE) is refused unless
#: the transaction first runs ``SET LOCAL learnhub.allow_history_truncate = 'on'``: for
#: wiping a whole database on purpose (the test suite's flush, the bench's reset), never
#: for removing history (migration ``0004_history_refuses_truncate``).
ALLOW_HISTORY_TRUNCATE_SQL = "SET LOCAL learnhub.allow_history_truncate = 'on'"


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class ConsentRecord(AppendOnlyModel):
    """One consent decision by a party (after ISO/IEC TS 27560's consent record)."""

    class Purpose(models.TextChoices):
        PARTICIPATE = "participate", "Take part"
        PUBLISH = "publish", "Publish"
        ATTRIBUTE = "attribute", "Name us"
        SHARE_WITH_FUNDER = "share_with_funder", "Share with the funder"
        SHARE_WITH_PARTIES = "share_with_parties", "Share with other grantees"

    class Decision(models.TextChoices):
        GRANT = "grant", "Given"
        WITHDRAW = "withdraw", "Withdrawn"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="consent_records"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="consent_records")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_records"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    notice_version = models.CharField(max_length=50)
    notice_text = models.TextField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("-recorded_at", "-id")
        indexes = [models.Index(fields=["party", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.party.organisation}: {self.purpose} {self.decision}"


class ConsentState(models.Model):
    """Projection: the current decision per party and purpose (the last record wins)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="consent_states"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="consent_states")
    purpose = models.CharField(max_length=30, choices=ConsentRecord.Purpose.choices)
    granted = models.BooleanField()
    record = models.OneToOneField(
        ConsentRecord, on_delete=models.PROTECT, related_name="projected_state"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "purpose"], name="consent_state_one_per_purpose"
            ),
        ]
        indexes = [models.Index(fields=["purpose", "granted", "party"])]

    def __str__(self) -> str:
        return f"{self.party_id}:{self.purpose}={self.granted}"


class ChallengeRecord(AppendOnlyModel):
    """One decision about the learning partner's permission to challenge a party."""

    class Decision(models.TextChoices):
        GRANT = "grant", "Given"
        WITHDRAW = "withdraw", "Withdrawn"

    class Channel(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        PRIVATE_REPORT = "private_report", "Private report"
        PUBLISHED_BRIEF = "published_brief", "Published brief"

    ALL_AREAS = "*"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="challenge_records"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="challenge_records")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    areas = models.JSONField(help_text='Research question ids, or ["*"] for everything.')
    channels = models.JSONField()
    conditions = models.TextField(blank=True)
    #: The party asks to be told before a published brief challenges it: publishing waits
    #: for the learning partner's notice to be acknowledged, or for the notice period.
    notify_before_publish = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenge_records"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    notice_version = models.CharField(max_length=50)

    class Meta:
        ordering = ("-recorded_at", "-id")
        indexes = [models.Index(fields=["party", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.party.organisation}: challenge {self.decision}"


class ChallengeState(models.Model):
    """Projection: one row per (party, area, channel) currently permitted.

    ``question`` null means every area ("*").
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="challenge_states"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="challenge_states")
    question = models.ForeignKey(
        ResearchQuestion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="challenge_states",
    )
    channel = models.CharField(max_length=20, choices=ChallengeRecord.Channel.choices)
    record = models.ForeignKey(
        ChallengeRecord, on_delete=models.PROTECT, related_name="projected_states"
    )
    conditions = models.TextField(blank=True)
    notify_before_publish = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "question", "channel"],
                condition=models.Q(question__isnull=False),
                name="challenge_state_unique_area_channel",
            ),
            models.UniqueConstraint(
                fields=["party", "channel"],
                condition=models.Q(question__isnull=True),
                name="challenge_state_unique_everything_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id}:{self.question_id or '*'}:{self.channel}"


class LearningModeChange(TimeStampedModel):
    """A proposal to switch a partnership between *learning for* and *learning with*.

    Who reads draft briefs depends on the mode (every party, in *learning with*), so the
    switch is a consent matter: it takes effect only once every accepted party has
    agreed (``consent.learning_mode``). One proposal is open per partnership at a time.
    """

    class Outcome(models.TextChoices):
        OPEN = "open", "Waiting for answers"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Not agreed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="learning_mode_changes"
    )
    learning_mode = models.CharField(max_length=20, choices=Partnership.LearningMode.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_mode_changes"
    )
    proposed_for = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="learning_mode_changes_proposed"
    )
    reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(outcome="open"),
                name="learning_mode_change_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id}: to {self.learning_mode} ({self.outcome})"


class LearningModeAnswer(models.Model):
    """One party's answer to a learning mode change (a new answer replaces it)."""

    class Decision(models.TextChoices):
        AGREE = "agree", "Agreed"
        OBJECT = "object", "Objected"

    change = models.ForeignKey(LearningModeChange, on_delete=models.CASCADE, related_name="answers")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="learning_mode_answers")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_mode_answers"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "party"], name="learning_mode_answer_one"),
        ]

    def __str__(self) -> str:
        return f"{self.change_id}: {self.party_id} {self.decision}"

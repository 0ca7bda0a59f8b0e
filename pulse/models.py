"""The pulse's rows, kept so that answers cannot be traced to people.

``PulseAnswered`` says who has answered in a period (and so may not answer again);
``PulseAnswer`` holds what was answered. The two share no column that could join or
order them: an answer has no person, party, organisation or timestamp, and a random
(UUID) key, so neither ids nor times line up with the has-answered rows. Both are
written in one transaction by ``pulse.services.pulse_answer``.
"""

import uuid

from django.conf import settings
from django.db import models

from partnerships.models import Partnership
from pulse.statements import KEYS, SCALE


class PulseAnswered(models.Model):
    """That ``user`` has answered the partnership's pulse of the period from ``period_start``.

    Its key is random too: a counting key would record the order people answered in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulses_answered"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="pulses_answered"
    )
    period_start = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership", "period_start"], name="pulse_answered_once"
            )
        ]
        verbose_name_plural = "pulses answered"

    def __str__(self) -> str:
        return f"Answered the pulse from {self.period_start}"


class PulseAnswer(models.Model):
    """One person's answers to the three statements, with nobody's name on them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="pulse_answers"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    speak_up = models.PositiveSmallIntegerField()
    not_working_safe = models.PositiveSmallIntegerField()
    heard = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{key}__gte": SCALE[0], f"{key}__lte": SCALE[-1]}),
                name=f"pulse_answer_{key}_on_scale",
            )
            for key in KEYS
        ]
        indexes = [models.Index(fields=["partnership", "period_start"])]

    def __str__(self) -> str:
        return f"A pulse answer from {self.period_start}"


class PulseFlag(models.Model):
    """A period whose results were low or falling, told to the learning partner once."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="pulse_flags"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    #: Statement keys whose mean was below ``LOW_BELOW``, and those that fell.
    low = models.JSONField(default=list)
    falling = models.JSONField(default=list)
    flagged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_start"], name="pulse_flag_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Pulse flag from {self.period_start}"

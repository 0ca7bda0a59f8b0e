from django.db import models


class TimeStampedModel(models.Model):
    """Every LearnHub row says when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """When a Celery worker last ran the ``learnhub.heartbeat`` task: one row, kept current.

    ``/healthz/`` reads it to tell whether background jobs are running at all.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    beat_at = models.DateTimeField()
    worker = models.CharField(max_length=255, help_text="The Celery node that ran it.")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="learnhub_heartbeat_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"

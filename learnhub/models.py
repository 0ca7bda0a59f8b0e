from django.db import models
from django.utils import timezone


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


class OutboxMessage(models.Model):
    """A Celery task to send, recorded in the same transaction as the write that needs it.

    ``learnhub.outbox`` publishes it after commit and marks it ``sent_at``; the worker
    marks it ``done_at`` when the task succeeds. Until then the sweeper publishes it again
    whenever ``next_attempt_at`` passes, so a broker outage, a lost message or a task that
    gave up delays the work and never loses it. Every task sent this way is idempotent.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times it was handed to the broker."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(done_at__isnull=True),
                name="learnhub_outbox_due",
            ),
            models.Index(
                fields=["task"],
                condition=models.Q(done_at__isnull=True),
                name="learnhub_outbox_pending_task",
            ),
        ]

    def __str__(self) -> str:
        state = "done" if self.done_at else "sent" if self.sent_at else "waiting"
        return f"{self.task} #{self.pk} ({state})"

    @property
    def task_id(self) -> str:
        """The Celery task id of every delivery: how the worker finds this row again."""
        return f"{TASK_ID_PREFIX}{self.pk}"


TASK_ID_PREFIX = "outbox-"


class SitePage(models.Model):
    """The words of one of the site's own pages (help, privacy notice, accessibility
    statement, contact), as an operator wrote them in the admin. A page with no row shows
    the words LearnHub ships with (``learnhub.site_pages.DEFAULTS``)."""

    class Slug(models.TextChoices):
        HELP = "help", "Help"
        PRIVACY = "privacy", "Privacy notice"
        ACCESSIBILITY = "accessibility", "Accessibility statement"
        CONTACT = "contact", "Contact"

    slug = models.CharField(max_length=20, choices=Slug.choices, unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; a line starting with "
        "'## ' is a heading; web and email addresses become links."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.title

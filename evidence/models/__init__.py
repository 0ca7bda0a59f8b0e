"""Evidence items: numbers and stories from every party of a partnership.

Who may see an item is decided by ``consent.selectors`` (the one module that owns the
rules), never here.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.urls import reverse

from evidence.extraction import has_text_type
from learnhub.models import TimeStampedModel
from partnerships.models import Partnership, Party, ResearchQuestion
from rhythm.models import LearningSession

#: PostgreSQL text-search configuration for evidence search (stemming, stop words).
SEARCH_CONFIG = "english"


def evidence_search_vector() -> SearchVector:
    """The words text search looks at. The GIN index is built on this same expression,
    so PostgreSQL can use it; the evidence selectors search with it."""
    return SearchVector("title", "body", "prompt_text", config=SEARCH_CONFIG)


class Evidence(TimeStampedModel):
    class Kind(models.TextChoices):
        STATISTIC = "statistic", "Statistic"
        STORY = "story", "Story"
        QUOTE = "quote", "Quote"
        LEARNING_LOG = "learning_log", "Learning log"
        INTERVIEW_NOTE = "interview_note", "Interview note"
        SURVEY_RESULT = "survey_result", "Survey result"
        AFTER_ACTION_REVIEW = "after_action_review", "After action review"
        REFLECTION = "reflection", "Reflection session"
        DOCUMENT = "document", "Document"

    class Valence(models.TextChoices):
        WORKING = "working", "Working"
        NOT_WORKING = "not_working", "Not working"
        MIXED = "mixed", "Mixed"
        UNCLEAR = "unclear", "Unclear"

    class Attribution(models.TextChoices):
        NAMED = "named", "Named"
        ANONYMOUS = "anonymous", "Anonymous"

    class Speaker(models.TextChoices):
        """Whose words or view an item gives: briefs attribute quotes by this role."""

        STAFF = "staff", "Staff"
        VOLUNTEER = "volunteer", "A volunteer"
        SERVICE_USER = "service_user", "Someone using the service"
        PARTNER_ORGANISATION = "partner_organisation", "A partner organisation"
        FUNDER = "funder", "The funder"
        OTHER = "other", "Someone else"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="evidence")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="evidence")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="evidence_submitted",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    questions = models.ManyToManyField(ResearchQuestion, blank=True, related_name="evidence")
    valence = models.CharField(max_length=20, choices=Valence.choices)
    attribution = models.CharField(
        max_length=20, choices=Attribution.choices, default=Attribution.ANONYMOUS
    )
    #: Whose words or view this is (optional; blank when not said). The database default
    #: covers rows written in bulk (the bench's COPY) as well as the ORM's.
    speaker = models.CharField(
        max_length=30, choices=Speaker.choices, blank=True, default="", db_default=""
    )
    occurred_on = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    prompts = models.JSONField(default=dict, blank=True)
    period_start = models.DateField(
        null=True, blank=True, help_text="For a figure: the first day of the period it covers."
    )
    period_end = models.DateField(
        null=True, blank=True, help_text="For a figure: the last day of the period it covers."
    )
    #: The learning session it came out of (same partnership; ``evidence_submit`` checks).
    session = models.ForeignKey(
        LearningSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    prompt_text = models.TextField(
        blank=True,
        editable=False,
        help_text="The prompt answers as plain words, kept by the evidence services so that "
        "text search finds them.",
    )

    class Meta:
        ordering = ("-occurred_on", "-id")
        verbose_name_plural = "evidence"
        # On PostgreSQL, migration 0002 also adds a GIN index on evidence_search_vector()
        # ("evidence_search_gin"), outside the model state so SQLite can rebuild the table.
        indexes = [
            models.Index(fields=["partnership", "-occurred_on", "-id"]),
            models.Index(fields=["party", "-occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | ~Q(unit=""),
                name="evidence_value_needs_unit",
            ),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True) | Q(value__isnull=False),
                name="evidence_baseline_needs_value",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(
                    period_start__isnull=False,
                    period_end__isnull=False,
                    period_end__gte=models.F("period_start"),
                ),
                name="evidence_period_complete_and_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence:evidence-detail", args=[self.pk])

    @property
    def value_text(self) -> str:
        """The figure as people write it ("42", "3.5"), or ""."""
        return _plain_number(self.value)

    @property
    def baseline_text(self) -> str:
        return _plain_number(self.baseline)


def _plain_number(number: Decimal | None) -> str:
    return "" if number is None else format(number.normalize(), "f")


def attachment_path(instance: "EvidenceAttachment", filename: str) -> str:
    # Random, unguessable names; the original name is kept in a field, never in the path.
    import uuid

    return f"evidence/{instance.evidence.partnership_id}/{uuid.uuid4().hex}"


class EvidenceAttachment(TimeStampedModel):
    """A file attached to an evidence item; served only through a permission-checked view."""

    class TextStatus(models.TextChoices):
        #: Not read yet (files attached before their text was read): read when first coded.
        NOT_READ = "not_read", "Not read yet"
        READ = "read", "Read"
        #: Malformed, encrypted, without words, or of a type with no text.
        UNREADABLE = "unreadable", "Could not be read"

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    #: The file's words (``evidence.extraction``), for coding part of them as an excerpt.
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=10, choices=TextStatus.choices, default=TextStatus.NOT_READ
    )

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.original_name

    @property
    def has_text_type(self) -> bool:
        """Whether the file is of a type whose text can be read and coded."""
        return has_text_type(self.content_type)


class InsightBrief(TimeStampedModel):
    """A plain-language brief for one partnership and period, drafted from consented evidence.

    Exactly one per partnership and period (database constraint): the drafting task and
    the API both ``get_or_create`` on it.
    """

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being drafted"
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="briefs")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    sections = models.JSONField(default=list, blank=True)
    so_what = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    challenges = models.JSONField(default=list, blank=True)
    cited_evidence = models.ManyToManyField(Evidence, blank=True, related_name="cited_in_briefs")
    compared_evidence = models.ManyToManyField(
        Evidence,
        blank=True,
        related_name="compared_in_briefs",
        help_text="Evidence of the previous period behind the brief's change figures.",
    )
    what_changed = models.JSONField(
        default=list, blank=True, help_text="Learning actions done since the last brief."
    )
    redactions = models.JSONField(default=list, blank=True)
    plain_language = models.JSONField(default=dict, blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefs_published",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefs_requested",
    )

    class Meta:
        ordering = ("-period_end", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_start", "period_end"],
                name="evidence_brief_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evidence_brief_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.period_start} to {self.period_end}"


class LearningAction(TimeStampedModel):
    """What a party changed because of what was learned; later briefs report them."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DOING = "doing", "Doing"
        DONE = "done", "Done"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="learning_actions"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="learning_actions")
    brief = models.ForeignKey(
        InsightBrief,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_actions",
    )
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    outcome = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="learning_actions",
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.description[:80]


class PrePublicationNotice(models.Model):
    """The learning partner's notice to a party that a brief about to be published
    challenges it (the party asked to be told first: ``notify_before_publish``).

    ``challenges`` holds what the notice said (the challenges naming the party, as sent):
    when the brief's challenges to the party change, the notice no longer covers them and
    must be sent again. Sending again clears the acknowledgement.
    """

    brief = models.ForeignKey(InsightBrief, on_delete=models.CASCADE, related_name="notices")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="notices")
    challenges = models.JSONField(default=list)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("brief", "party")
        constraints = [
            models.UniqueConstraint(fields=["brief", "party"], name="evidence_notice_one_per_party")
        ]

    def __str__(self) -> str:
        return f"Notice to {self.party_id} about brief {self.brief_id}"


class EvidenceReminder(models.Model):
    """A reminder to a party that has added no evidence in a brief period: at most one per
    party and period (database constraint), however often the reminder task runs."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="evidence_reminders"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="evidence_reminders")
    period_start = models.DateField()
    period_end = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-period_end", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "period_start", "period_end"],
                name="evidence_reminder_one_per_party_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.party_id} for {self.period_start} to {self.period_end}"


class ShareLink(models.Model):
    """A link that shows a published brief to people who are not signed in: the public,
    or the community the evidence came from (a one-page "you said, we did").

    The token is the only key (``secrets.token_urlsafe(32)``: 256 random bits). A link
    stops working when revoked or after ``expires_on`` (a London date). ``views`` is a
    bare count: nothing about the people who open the link is kept.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", "The public"
        COMMUNITY = "community", "The community the evidence came from"

    brief = models.ForeignKey(InsightBrief, on_delete=models.CASCADE, related_name="share_links")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["public", "community"]),
                name="evidence_share_link_audience_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} link to brief {self.brief_id}"


class BriefComment(TimeStampedModel):
    """A party's comment on a draft brief: on one section (``section``, an index into the
    brief's sections; ``section_heading`` keeps its heading as it read then) or on the
    whole brief (``section`` null). The learning partner resolves it; it is never
    deleted by resolving. Who may write and read comments is ``evidence.access.comments``.
    """

    brief = models.ForeignKey(InsightBrief, on_delete=models.CASCADE, related_name="comments")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="brief_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="brief_comments",
    )
    section = models.PositiveSmallIntegerField(null=True, blank=True)
    section_heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["brief", "created_at"]),
            models.Index(
                fields=["brief"],
                condition=Q(resolved_at__isnull=True),
                name="evidence_comment_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="evidence_comment_has_text"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=False) | Q(resolved_by__isnull=True),
                name="evidence_comment_resolver_needs_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# The codebook's models live in their own module; importing them here registers them.
from evidence.models.coding import Code as Code  # noqa: E402
from evidence.models.coding import Excerpt as Excerpt  # noqa: E402

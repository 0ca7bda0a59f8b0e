"""Grants published in the 360Giving Data Standard, and the imports that bring them in.

360Giving data is public (it is what GrantNav shows), so grants belong to no partnership.
On PostgreSQL ``search_vector`` is kept by a trigger (migration ``0002_grant_search``):
the title weighted A, the description B, the recipient and funder C, with a GIN index.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from learnhub.models import TimeStampedModel
from partnerships.models import Organisation


class GrantImport(TimeStampedModel):
    """One uploaded 360Giving file and how far its import has got."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Could not be imported"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grant_imports"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_imports",
        help_text="The funder organisation whose admin uploaded the file (none for operators).",
    )
    file_name = models.CharField(max_length=255)
    # The file as uploaded, until the import has read it.
    data = models.BinaryField(default=b"", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="grants_import_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(imported__lte=models.F("rows")),
                name="grants_import_imported_within_rows",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("grants:import-detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Grant(TimeStampedModel):
    """A grant as the 360Giving Data Standard describes it; its identifier is unique
    across all publishers, so importing it again updates it."""

    identifier = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=500)
    description = models.TextField()
    currency = models.CharField(max_length=3)
    amount_awarded = models.DecimalField(max_digits=16, decimal_places=2)
    award_date = models.DateField()
    recipient_identifier = models.CharField(max_length=200)
    recipient_name = models.CharField(max_length=500)
    funder_identifier = models.CharField(max_length=200)
    funder_name = models.CharField(max_length=500)
    source = models.ForeignKey(
        GrantImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        help_text="The import that last wrote this grant.",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ("-award_date", "identifier")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_awarded__gte=0), name="grants_grant_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from learnhub.models import TimeStampedModel


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(TimeStampedModel):
    """A funder, grantee or learning partner. People act through their memberships.

    Each organisation owns two auth groups: everyone in it, and its admins. Partnership
    capabilities are guardian permissions granted to those groups, so joining or leaving
    an organisation changes what a person may do at once.
    """

    class Kind(models.TextChoices):
        FUNDER = "funder", "Funder"
        GRANTEE = "grantee", "Grantee"
        LEARNING_PARTNER = "learning_partner", "Learning partner"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    identifier = models.CharField(
        max_length=100,
        blank=True,
        help_text="An official number, such as a charity or company number (optional).",
    )
    members_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organisation_as_members"
    )
    admins_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organisation_as_admins"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations_created",
    )

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "kind", name="partnerships_organisation_name_kind_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:organisation-detail", args=[self.pk])


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ("organisation__name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="partnerships_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


def _invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.LEARNHUB_INVITATION_DAYS)


class OrganisationInvitation(TimeStampedModel):
    """An invitation by email to join an organisation. Used once, before it expires, unless
    an admin cancelled it; sending it again starts its time again."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="organisation_invitations_sent",
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    email_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitation email last went out."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation_invitations_accepted",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation_invitations_cancelled",
    )
    party = models.ForeignKey(
        "Party",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="first_admin_invitations",
        help_text="The partnership invitation this one came with: a funder invited an "
        "organisation new to LearnHub, and this person becomes its first admin.",
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:invitation-accept", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Partnership(TimeStampedModel):
    """A learning partnership, commissioned by a funder organisation."""

    class LearningMode(models.TextChoices):
        LEARNING_FOR = "learning_for", "Learning for"
        LEARNING_WITH = "learning_with", "Learning with"

    class PriorityAudience(models.TextChoices):
        FUNDER = "funder", "The funder"
        GRANTEES = "grantees", "The grantees"
        BENEFICIARIES = "beneficiaries", "The people the grantees serve"
        WIDER_SECTOR = "wider_sector", "The wider sector"

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Status(models.TextChoices):
        DISCOVERY = "discovery", "Discovery"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships_commissioned"
    )
    learning_mode = models.CharField(max_length=20, choices=LearningMode.choices)
    priority_audience = models.CharField(max_length=20, choices=PriorityAudience.choices)
    brief_cadence = models.CharField(max_length=20, choices=Cadence.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DISCOVERY)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="partnerships_created",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        # By name in partnerships.permissions.PartnershipPermission.
        permissions = [
            ("manage_partnership", "Change the partnership, invite parties, change its status"),
            ("contribute_partnership", "Propose and answer research questions"),
            ("lead_discovery", "Write the discovery brief"),
            ("agree_discovery", "Agree the discovery brief"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", args=[self.pk])


class PartnershipUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="user_permissions"
    )


class PartnershipGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="group_permissions"
    )


class Party(TimeStampedModel):
    """An organisation's place in a partnership."""

    class Role(models.TextChoices):
        FUNDER = "funder", "Funder"
        GRANTEE = "grantee", "Grantee"
        LEARNING_PARTNER = "learning_partner", "Learning partner"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REMOVED = "removed", "Removed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    is_commissioner = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parties_invited",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parties_responded",
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-is_commissioner", "role", "organisation__name", "id")
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnerships_party_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(is_commissioner=True),
                name="partnerships_party_one_commissioner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) in {self.partnership}"


class DiscoveryBrief(TimeStampedModel):
    """What the learning is for, who it is for, and how complex the work is."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="discovery_brief"
    )
    audience = models.TextField(blank=True)
    desired_impact = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    duration_years = models.PositiveSmallIntegerField(default=1)
    partner_count = models.PositiveSmallIntegerField(default=1)
    workstream_count = models.PositiveSmallIntegerField(default=1)
    differing_aims = models.BooleanField(default=False)
    power_imbalance = models.BooleanField(default=False)
    open_questions = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)
    agreed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the current version became agreed (empty while it is a draft). In "
        "learning with, parties that join later are asked to agree but do not undo it.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discovery_briefs_updated",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_years__gte=1, partner_count__gte=1, workstream_count__gte=1),
                name="partnerships_discoverybrief_counts_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Discovery brief for {self.partnership}"


class DiscoveryAgreement(models.Model):
    """A party's agreement to one version of the discovery brief."""

    brief = models.ForeignKey(DiscoveryBrief, on_delete=models.CASCADE, related_name="agreements")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="discovery_agreements")
    version = models.PositiveIntegerField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discovery_agreements"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("agreed_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "party", "version"], name="partnerships_discoveryagreement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.organisation} agreed version {self.version}"


class ResearchQuestion(TimeStampedModel):
    """A question the partnership wants to learn about.

    Its status is derived from the current responses of accepted parties (see
    ``partnerships.selectors.questions_with_status``), so it can never drift.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        CONTESTED = "contested", "Contested"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    rationale = models.TextField(blank=True)
    proposed_by_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="questions_proposed"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="questions_proposed",
    )

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.text[:80]


class QuestionResponse(TimeStampedModel):
    """A party's current answer to a research question: one per party and question."""

    class Decision(models.TextChoices):
        AGREE = "agree", "Agree"
        OBJECT = "object", "Object"

    question = models.ForeignKey(
        ResearchQuestion, on_delete=models.CASCADE, related_name="responses"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="question_responses")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="question_responses",
    )

    class Meta:
        ordering = ("party__organisation__name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "party"], name="partnerships_questionresponse_one_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.organisation}: {self.decision}"


class ActivityEvent(models.Model):
    """One line of a partnership's timeline: who did what, when. Written by services only."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="activity_events",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity_events",
    )
    verb = models.CharField(max_length=50)
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["partnership", "-created_at"])]

    def __str__(self) -> str:
        return self.summary

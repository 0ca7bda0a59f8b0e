"""The operators' admin site for organisations, memberships and invitations.

Memberships change only through the membership services, so the permission groups that
grant partnership access always match what the admin shows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from learnhub.admin_readonly import ReadOnlyAdminMixin
from partnerships.models import (
    ActivityEvent,
    Membership,
    Organisation,
    OrganisationInvitation,
    Partnership,
    Party,
)
from partnerships.services import invitation_resend, membership_remove, membership_set


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    verbose_name = "member"
    verbose_name_plural = "members"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "identifier", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "identifier")
    readonly_fields = ("members_group", "admins_group", "created_by", "created_at", "updated_at")
    fields = ("name", "kind", "identifier", *readonly_fields)
    inlines = (MembershipInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An organisation needs its permission groups and an admin: people create them on
        # the site ("Create an organisation"), where the creator becomes the admin.
        return False

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        organisation: Organisation = form.instance
        inline: BaseInlineFormSet[Membership, Organisation, Any] = formset
        # The admin's change message reads these lists, which formset.save() would fill.
        inline.new_objects, inline.changed_objects, inline.deleted_objects = [], [], []
        for row in inline.deleted_forms:
            if row.instance.pk:
                membership_remove(organisation=organisation, user=row.instance.user)
                inline.deleted_objects.append(row.instance)
        for row in inline.forms:
            if row in inline.deleted_forms or not row.has_changed():
                continue
            is_new = row.instance.pk is None
            if not is_new and "user" in row.changed_data:
                previous = Membership.objects.get(pk=row.instance.pk).user
                membership_remove(organisation=organisation, user=previous)
            membership = membership_set(
                organisation=organisation,
                user=row.cleaned_data["user"],
                role=row.cleaned_data["role"],
            )
            if is_new:
                inline.new_objects.append(membership)
            else:
                inline.changed_objects.append((membership, row.changed_data))


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin[OrganisationInvitation]):
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at")
    list_filter = ("role", ("accepted_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "organisation",
        "email",
        "token",
        "invited_by",
        "accepted_at",
        "accepted_by",
        "created_at",
    )
    fields = ("organisation", "email", "role", "expires_at", *readonly_fields[2:])
    actions = ("resend",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are sent by an organisation's admins, who are answerable for them.
        return False

    @admin.action(description="Send the invitation email again (waiting invitations only)")
    def resend(self, request: HttpRequest, queryset: QuerySet[OrganisationInvitation]) -> None:
        total = queryset.count()
        sent = invitation_resend(invitations=queryset)
        skipped = total - sent
        self.message_user(request, f"Sent {sent} invitation email(s) again.")
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped} invitation(s) that were already used or have expired.",
                messages.WARNING,
            )


# --- Partnerships (read-only: parties, permissions and the timeline change only through
# the partnership services, which keep guardian permissions and history in step) ---------


class PartyInline(ReadOnlyAdminMixin, admin.TabularInline[Party, Partnership]):
    model = Party
    extra = 0
    fields = (
        "organisation",
        "role",
        "status",
        "is_commissioner",
        "invited_by",
        "responded_by",
        "responded_at",
    )
    readonly_fields = fields
    show_change_link = False


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Partnership]):
    list_display = ("title", "funder", "status", "learning_mode", "brief_cadence", "created_at")
    list_filter = ("status", "learning_mode", "priority_audience", "brief_cadence")
    search_fields = ("title", "funder__name")
    list_select_related = ("funder",)
    fields = (
        "title",
        "description",
        "funder",
        "status",
        "status_changed_at",
        "learning_mode",
        "priority_audience",
        "brief_cadence",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (PartyInline,)


@admin.register(ActivityEvent)
class ActivityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ActivityEvent]):
    list_display = ("created_at", "partnership", "actor", "organisation", "verb", "summary")
    list_filter = ("verb",)
    search_fields = ("summary", "partnership__title", "actor__email", "organisation__name")
    list_select_related = ("partnership", "actor", "organisation")
    date_hierarchy = "created_at"
    fields = ("created_at", "partnership", "actor", "organisation", "verb", "summary")
    readonly_fields = fields

"""Every write in the partnerships app. Import services from here."""

from .organisations import membership_remove, membership_set, organisation_create

__all__ = ["membership_remove", "membership_set", "organisation_create"]

"""The object permissions a party's people hold on a partnership (django-guardian), by name.

``Partnership.Meta.permissions`` declares them (``view_partnership`` is Django's own);
``partnerships.services.party_grants`` says who holds which; gateways and selectors ask
for them by these names, never by string literals.
"""

from enum import StrEnum


class PartnershipPermission(StrEnum):
    VIEW = "view_partnership"
    MANAGE = "manage_partnership"
    CONTRIBUTE = "contribute_partnership"
    LEAD_DISCOVERY = "lead_discovery"
    AGREE_DISCOVERY = "agree_discovery"

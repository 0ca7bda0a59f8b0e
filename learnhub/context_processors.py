"""What every page's template may name: the site's name and where to write for help."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {
        "site_name": settings.LEARNHUB_SITE_NAME,
        "support_email": settings.LEARNHUB_SUPPORT_EMAIL,
    }

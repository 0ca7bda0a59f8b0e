"""Local development: `make run`. Debug on, console email, embedded broker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# The performance bench's commands (seed_scale, bench): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

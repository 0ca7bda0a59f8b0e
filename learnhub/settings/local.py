"""Local development: `make run`. A demo site: console email, embedded broker.

Debug pages are off unless ``DJANGO_DEBUG=true``: people trying LearnHub see the pages
users see (a 404 is LearnHub's page, not Django's list of every URL). WhiteNoise serves
the static files straight from ``static/`` and the apps either way.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The demo's accounts (public passwords) and its clock may be loaded here.
LEARNHUB_DEMO_SITE = True

# The performance bench's commands (seed_scale, bench): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

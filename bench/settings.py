"""Settings for the gunicorn that ``manage.py bench`` starts: production's, plus the naive
baseline's URL (``bench.urls``). The bench passes production's required variables
(secret key, allowed hosts, site URL) and sends ``X-Forwarded-Proto: https`` as the
proxy in front of a real deployment would, so nothing is relaxed for the measurement."""

from learnhub.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The performance bench's commands (seed_scale, bench): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405

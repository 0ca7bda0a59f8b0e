"""Whether the Celery broker answers, asked the way the outbox publishes: once, briefly."""

import logging
import os

from django.conf import settings
from kombu import Connection

logger = logging.getLogger(__name__)


def broker_kind() -> str:
    """The broker's transport (``redis``, ``filesystem``): never its address or password."""
    return str(settings.CELERY_BROKER_URL).partition("://")[0]


def broker_answers() -> bool:
    """True if the broker accepts a connection within ``LEARNHUB_BROKER_TIMEOUT_SECONDS``.

    Redis is connected to and pinged (Kombu's Redis channel pings as it opens). The
    embedded filesystem transport answers while its queue folder is there to write in.
    """
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    if broker_kind() == "filesystem":
        folder = str(options.get("data_folder_in") or "")
        return bool(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK)
    timeout = float(settings.LEARNHUB_BROKER_TIMEOUT_SECONDS)
    options.update(max_retries=0, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with Connection(
            str(settings.CELERY_BROKER_URL), connect_timeout=timeout, transport_options=options
        ) as connection:
            connection.default_channel  # noqa: B018 - opening it is the check
    except Exception as error:  # each transport raises its own errors
        logger.warning("Health: the broker did not answer (%s)", type(error).__name__)
        return False
    return True

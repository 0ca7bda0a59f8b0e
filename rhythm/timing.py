"""How a session's time reads to people: in Europe/London (the project's zone)."""

import datetime

from django.utils import timezone


def when_text(moment: datetime.datetime) -> str:
    """``Tuesday 3 March 2026 at 2:30pm`` in London time."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    hour = local.strftime("%I").lstrip("0")
    minutes = "" if local.minute == 0 else local.strftime(":%M")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour}{minutes}{local:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")

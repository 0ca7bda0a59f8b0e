"""The dashboard's extension point.

The dashboard answers “what needs me now?”. It is drawn by ``partnerships.views.dashboard``,
but apps above ``partnerships`` (consent, evidence) know what they need from a person, and
imports only point down. So they register a section here from their ``AppConfig.ready``:
a context key and a function reading that person's items (a selector call).
"""

from collections.abc import Callable

from accounts.models import User

DashboardSection = Callable[[User], object]

#: context key -> reader of the signed-in person's items
DASHBOARD_SECTIONS: dict[str, DashboardSection] = {}


def dashboard_section_register(key: str, section: DashboardSection) -> None:
    """Add (or replace, on a re-run of ``ready``) the dashboard section ``key``."""
    DASHBOARD_SECTIONS[key] = section

from django.apps import AppConfig


class PulseConfig(AppConfig):
    name = "pulse"
    verbose_name = "Psychological-safety pulse"

    def ready(self) -> None:
        # The dashboard lives in partnerships, below pulse: pulse adds its sections.
        from accounts.models import User
        from partnerships.dashboard import dashboard_section_register
        from pulse.selectors import pulse_flags_for, pulses_waiting_for

        def pulses_waiting(user: User) -> list[object]:
            return list(pulses_waiting_for(user=user))

        def pulse_flags(user: User) -> list[object]:
            return list(pulse_flags_for(user=user))

        dashboard_section_register("pulses_waiting", pulses_waiting)
        dashboard_section_register("pulse_flags", pulse_flags)

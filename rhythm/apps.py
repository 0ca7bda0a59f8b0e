from django.apps import AppConfig


class RhythmConfig(AppConfig):
    name = "rhythm"
    verbose_name = "Learning rhythm"

    def ready(self) -> None:
        # The dashboard lives in partnerships, below rhythm: rhythm adds its section.
        from accounts.models import User
        from partnerships.dashboard import dashboard_section_register
        from rhythm.selectors import next_sessions_for

        def next_learning_sessions(user: User) -> list[object]:
            return list(next_sessions_for(user=user))

        dashboard_section_register("next_learning_sessions", next_learning_sessions)

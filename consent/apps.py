from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent and permission to challenge"

    def ready(self) -> None:
        # The dashboard lives in partnerships, below consent: consent adds its section.
        from accounts.models import User
        from consent.selectors import consent_to_decide_for, learning_mode_changes_to_answer_for
        from partnerships.dashboard import dashboard_section_register

        def consent_to_decide(user: User) -> list[object]:
            return list(consent_to_decide_for(user=user))

        def learning_mode_to_answer(user: User) -> list[object]:
            return list(learning_mode_changes_to_answer_for(user=user))

        dashboard_section_register("consent_to_decide", consent_to_decide)
        dashboard_section_register("learning_mode_to_answer", learning_mode_to_answer)

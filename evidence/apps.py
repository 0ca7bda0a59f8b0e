from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence and insight briefs"

    def ready(self) -> None:
        # The dashboard lives in partnerships, below evidence: evidence adds its section.
        from accounts.models import User
        from evidence.selectors.briefs import briefs_to_review_for
        from partnerships.dashboard import dashboard_section_register

        def drafts_to_review(user: User) -> list[object]:
            return list(briefs_to_review_for(user=user)[:10])

        dashboard_section_register("drafts_to_review", drafts_to_review)

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence and insight briefs"

    def ready(self) -> None:
        # The dashboard lives in partnerships, below evidence: evidence adds its section.
        from accounts.models import User
        from evidence.selectors.briefs import briefs_to_review_for
        from evidence.selectors.comments import comments_waiting_for
        from evidence.selectors.items import parties_left_with_evidence
        from evidence.selectors.notices import notices_waiting_for
        from evidence.selectors.sessions import evidence_of_session
        from partnerships.dashboard import dashboard_section_register
        from rhythm.models import LearningSession
        from rhythm.outputs import session_outputs_register

        def drafts_to_review(user: User) -> list[object]:
            return list(briefs_to_review_for(user=user)[:10])

        def comments_waiting(user: User) -> list[object]:
            return list(comments_waiting_for(user=user)[:10])

        def left_partnerships(user: User) -> list[object]:
            return list(parties_left_with_evidence(user=user)[:20])

        def notices_waiting(user: User) -> list[object]:
            return list(notices_waiting_for(user=user)[:10])

        dashboard_section_register("drafts_to_review", drafts_to_review)
        dashboard_section_register("comments_waiting", comments_waiting)
        dashboard_section_register("notices_waiting", notices_waiting)
        dashboard_section_register("left_partnerships", left_partnerships)

        # A session's page (rhythm, below evidence) lists the items recorded from it.
        def session_outputs(user: User, session: LearningSession) -> list[object]:
            return list(evidence_of_session(user=user, session=session))

        session_outputs_register(session_outputs)

"""The authorisation world: one set of real rows, built through the services, in which
every role of the matrix is a real person and every URL has a real object to point at.

Roles (``ROLES``):

- ``anonymous``: not signed in.
- ``outsider``: signed in, belongs to no organisation and no partnership. The waiting
  organisation invitation (``world.invitation``) is addressed to them.
- ``org_member`` / ``org_admin``: member / admin of ``world.organisation``, which takes
  no part in the partnership.
- ``invited``: admin of ``world.invited_org``, invited to the partnership as a grantee and
  not yet accepted.
- ``grantee``: member of ``world.grantee_org``, an accepted grantee party.
- ``grantee_admin``: admin of ``world.grantee_org`` (acts for the party: takes it out of
  the partnership, later gives consent).
- ``learning_partner``: member of ``world.learning_partner_org``, an accepted learning
  partner.
- ``funder``: member of the commissioning funder ``world.funder_org``.
- ``funder_admin``: admin of the commissioning funder (who started the partnership).

To extend the world for a later issue: add a field to ``World``, a ``_build_*`` step that
fills it through the services, list the step in ``BUILD_STEPS``, and teach
``World.kwargs_for`` the URL keyword arguments that point at the new objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from consent.services import challenge_record, consent_record
from evidence.cleaning import clean_evidence
from evidence.models import PrePublicationNotice
from evidence.services import evidence_submit
from evidence.services.briefs import brief_draft, brief_publish, brief_request, brief_update
from evidence.services.coding import code_create, excerpt_create
from evidence.services.comments import brief_comment_create
from evidence.services.learning_actions import learning_action_create
from evidence.services.share_links import share_link_create
from learnhub.pdf import html_to_pdf
from partnerships.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    Partnership,
    Party,
    ResearchQuestion,
)
from partnerships.services import (
    Complexity,
    discovery_brief_update,
    membership_set,
    organisation_create,
    organisation_invite,
    partnership_create,
    party_accept,
    party_invite,
    question_propose,
    question_respond,
)
from rhythm.services import session_schedule
from tests.partnerships.factories import UserFactory

if TYPE_CHECKING:
    from tests.authz.patterns import Pattern

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"
ORG_MEMBER = "org_member"
ORG_ADMIN = "org_admin"
INVITED = "invited"
GRANTEE = "grantee"
GRANTEE_ADMIN = "grantee_admin"
LEARNING_PARTNER = "learning_partner"
FUNDER = "funder"
FUNDER_ADMIN = "funder_admin"

ROLES: tuple[str, ...] = (
    ANONYMOUS,
    OUTSIDER,
    ORG_MEMBER,
    ORG_ADMIN,
    INVITED,
    GRANTEE,
    GRANTEE_ADMIN,
    LEARNING_PARTNER,
    FUNDER,
    FUNDER_ADMIN,
)


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)  # every person, by a short name
    session_keys: dict[str, str] = field(default_factory=dict)  # role -> signed-in session

    organisation: Organisation = None  # type: ignore[assignment]
    invitation: OrganisationInvitation = None  # type: ignore[assignment]
    funder_org: Organisation = None  # type: ignore[assignment]
    grantee_org: Organisation = None  # type: ignore[assignment]
    learning_partner_org: Organisation = None  # type: ignore[assignment]
    invited_org: Organisation = None  # type: ignore[assignment]

    partnership: Partnership = None  # type: ignore[assignment]
    funder_party: Party = None  # type: ignore[assignment]
    grantee_party: Party = None  # type: ignore[assignment]
    learning_partner_party: Party = None  # type: ignore[assignment]
    invited_party: Party = None  # type: ignore[assignment]
    question: ResearchQuestion = None  # type: ignore[assignment]

    consent_record: Any = None  # consent.models.ConsentRecord of the grantee party
    challenge_record: Any = None  # consent.models.ChallengeRecord of the grantee party
    evidence: Any = None  # evidence.models.Evidence of the grantee party (shared: participate)
    attachment: Any = None  # evidence.models.EvidenceAttachment of ``evidence`` (a PDF)
    brief: Any = None  # evidence.models.InsightBrief: a draft for October 2026 (learning with)
    learning_action: Any = None  # evidence.models.LearningAction of the grantee party
    comment: Any = None  # evidence.models.BriefComment by the grantee on ``brief`` (open)
    published_brief: Any = None  # evidence.models.InsightBrief: August 2026, published
    share_link: Any = None  # evidence.models.ShareLink to ``published_brief`` (public)
    learning_session: Any = None  # rhythm.models.LearningSession: every accepted party attends
    grant_import: Any = None  # grants.models.GrantImport uploaded by the funder admin (done)
    code: Any = None  # evidence.models.Code of the codebook, made by the learning partner
    other_code: Any = None  # evidence.models.Code, a second one (to merge ``code`` into)
    excerpt: Any = None  # evidence.models.Excerpt of ``evidence``, by the learning partner

    def user(self, role: str) -> User | None:
        """The person playing ``role`` (``None`` for anonymous)."""
        return None if role == ANONYMOUS else self.people[role]

    # --- URL keyword arguments ------------------------------------------------------

    def kwargs_for(self, pattern: Pattern) -> dict[str, Any]:
        """Real values for every keyword argument of ``pattern``'s URL.

        An explicit rule for the pattern's key wins; otherwise each argument is filled by
        its name, read in the context of the entity the URL is about (the part of the
        URL name before the dash: ``api:organisation-members`` is about an organisation).
        An argument nobody taught the world about fails loudly, naming the pattern.
        """
        explicit = URL_KWARGS.get(pattern.key)
        if explicit is not None:
            return explicit(self)
        entity = _entity(pattern.name or "")
        values = {}
        for name in pattern.kwarg_names:
            resolver = KWARG_VALUES.get((entity, name)) or KWARG_VALUES.get(("*", name))
            if resolver is None:
                raise LookupError(
                    f"The authz world does not know what to put in <{name}> for "
                    f"{pattern.key} ({pattern.route}); add it to URL_KWARGS or KWARG_VALUES "
                    "in tests/authz/world.py."
                )
            values[name] = resolver(self)
        return values


def _entity(name: str) -> str:
    """``api:partnership-party-accept`` -> ``partnership``; ``admin:auth_group_add`` -> ``""``."""
    last = name.rsplit(":", 1)[-1]
    return last.split("-", 1)[0] if "-" in last else ""


# (entity, kwarg) -> value; entity "*" applies to every URL name.
KWARG_VALUES: dict[tuple[str, str], Callable[[World], Any]] = {
    ("organisation", "pk"): lambda w: w.organisation.pk,
    ("organisation", "organisation_pk"): lambda w: w.organisation.pk,
    ("*", "organisation_pk"): lambda w: w.organisation.pk,
    ("invitation", "token"): lambda w: w.invitation.token,
    ("*", "invitation_pk"): lambda w: w.invitation.pk,
    ("partnership", "pk"): lambda w: w.partnership.pk,
    ("*", "partnership_pk"): lambda w: w.partnership.pk,
    # The party a URL points at is the invited one: its admin may accept or decline it,
    # everyone else in the partnership may only look.
    ("*", "party_pk"): lambda w: w.invited_party.pk,
    ("party", "pk"): lambda w: w.invited_party.pk,
    ("*", "question_pk"): lambda w: w.question.pk,
    ("consent", "record_pk"): lambda w: w.consent_record.pk,
    ("challenge", "record_pk"): lambda w: w.challenge_record.pk,
    ("consent", "purpose"): lambda w: w.consent_record.purpose,
    ("question", "pk"): lambda w: w.question.pk,
    ("evidence", "pk"): lambda w: w.evidence.pk,
    ("attachment", "pk"): lambda w: w.evidence.pk,
    ("*", "attachment_pk"): lambda w: w.attachment.pk,
    ("attachment", "evidence_pk"): lambda w: w.evidence.pk,
    ("brief", "pk"): lambda w: w.brief.pk,
    ("brief", "fmt"): lambda w: "md",
    ("action", "pk"): lambda w: w.learning_action.pk,
    ("comment", "pk"): lambda w: w.comment.pk,
    ("session", "pk"): lambda w: w.learning_session.pk,
    ("code", "pk"): lambda w: w.code.pk,
    ("excerpt", "pk"): lambda w: w.excerpt.pk,
    ("excerpt", "evidence_pk"): lambda w: w.evidence.pk,
    # Django admin and allauth: any value of the right shape; nobody in the matrix is staff
    # and the allauth keys are deliberately wrong.
    ("*", "object_id"): lambda w: str(w.people[OUTSIDER].pk),
    ("*", "id"): lambda w: w.people[OUTSIDER].pk,
    ("*", "app_label"): lambda w: "accounts",
    ("*", "content_type_id"): lambda w: "1",
    ("*", "key"): lambda w: "not-a-real-key",
    ("*", "uidb36"): lambda w: "1",
    # Grants data: the funder admin's import (api:grant-import-detail, grants:import-detail).
    ("grant", "pk"): lambda w: w.grant_import.pk,
    ("import", "pk"): lambda w: w.grant_import.pk,
}

# pattern key -> all kwargs, for the URLs the rules above would get wrong.
URL_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {}


# --- Building -------------------------------------------------------------------------


def _person(world: World, role: str, email: str, name: str) -> User:
    user: User = UserFactory.create(email=email, name=name)  # type: ignore[assignment]
    world.people[role] = user
    return user


def _build_people_and_organisations(world: World) -> None:
    outsider = _person(world, OUTSIDER, "outsider@example.org", "Olu Outsider")
    org_admin = _person(world, ORG_ADMIN, "org.admin@riverside.example", "Ada Admin")
    org_member = _person(world, ORG_MEMBER, "org.member@riverside.example", "Mo Member")
    world.organisation = organisation_create(
        name="Riverside Community Trust", kind=Organisation.Kind.GRANTEE, by=org_admin
    )
    membership_set(organisation=world.organisation, user=org_member, role=Membership.Role.MEMBER)

    funder_admin = _person(world, FUNDER_ADMIN, "admin@northern.example", "Fay Funder-Admin")
    funder = _person(world, FUNDER, "member@northern.example", "Fred Funder")
    world.funder_org = organisation_create(
        name="Northern Lights Foundation", kind=Organisation.Kind.FUNDER, by=funder_admin
    )
    membership_set(organisation=world.funder_org, user=funder, role=Membership.Role.MEMBER)

    grantee_admin = _person(world, GRANTEE_ADMIN, "admin@eastside.example", "Gita Admin")
    grantee = _person(world, GRANTEE, "member@eastside.example", "Gus Grantee")
    world.grantee_org = organisation_create(
        name="Eastside Youth Project", kind=Organisation.Kind.GRANTEE, by=grantee_admin
    )
    membership_set(organisation=world.grantee_org, user=grantee, role=Membership.Role.MEMBER)

    lp_admin = _person(world, "learning_partner_admin", "admin@clearview.example", "Lena Admin")
    learning_partner = _person(world, LEARNING_PARTNER, "member@clearview.example", "Luca Learning")
    world.learning_partner_org = organisation_create(
        name="Clearview Evaluation", kind=Organisation.Kind.LEARNING_PARTNER, by=lp_admin
    )
    membership_set(
        organisation=world.learning_partner_org,
        user=learning_partner,
        role=Membership.Role.MEMBER,
    )

    invited = _person(world, INVITED, "admin@westbrook.example", "Ivy Invited")
    world.invited_org = organisation_create(
        name="Westbrook Food Bank", kind=Organisation.Kind.GRANTEE, by=invited
    )
    assert outsider.memberships.count() == 0


def _build_organisation_invitation(world: World) -> None:
    world.invitation = organisation_invite(
        organisation=world.organisation,
        email=world.people[OUTSIDER].email,
        role=Membership.Role.MEMBER,
        by=world.people[ORG_ADMIN],
    )


def _build_partnership(world: World) -> None:
    funder_admin = world.people[FUNDER_ADMIN]
    world.partnership = partnership_create(
        title="Growing up well in Eastside",
        funder=world.funder_org,
        learning_mode=Partnership.LearningMode.LEARNING_WITH,
        priority_audience=Partnership.PriorityAudience.GRANTEES,
        brief_cadence=Partnership.Cadence.MONTHLY,
        description="What helps young people in Eastside thrive.",
        by=funder_admin,
    )
    world.funder_party = world.partnership.parties.get(is_commissioner=True)
    world.grantee_party = party_invite(
        partnership=world.partnership,
        organisation=world.grantee_org,
        role=Party.Role.GRANTEE,
        by=funder_admin,
    )
    world.learning_partner_party = party_invite(
        partnership=world.partnership,
        organisation=world.learning_partner_org,
        role=Party.Role.LEARNING_PARTNER,
        by=funder_admin,
    )
    world.invited_party = party_invite(
        partnership=world.partnership,
        organisation=world.invited_org,
        role=Party.Role.GRANTEE,
        by=funder_admin,
    )
    party_accept(party=world.grantee_party, by=world.people[GRANTEE_ADMIN])
    party_accept(party=world.learning_partner_party, by=world.people["learning_partner_admin"])
    for party in (world.grantee_party, world.learning_partner_party, world.invited_party):
        party.refresh_from_db()
    discovery_brief_update(
        partnership=world.partnership,
        audience="The grantees and the young people they work with.",
        desired_impact="Know which activities help young people stay in education.",
        scope="Youth work in Eastside, 2026 to 2028.",
        complexity=Complexity(
            duration_years=2,
            partner_count=3,
            workstream_count=2,
            differing_aims=False,
            power_imbalance=True,
        ),
        open_questions="How do we hear from young people who stopped coming?",
        by=world.people[LEARNING_PARTNER],
        party=world.learning_partner_party,
    )
    world.question = question_propose(
        partnership=world.partnership,
        party=world.grantee_party,
        text="Which activities keep young people coming back?",
        rationale="We want to spend on what works.",
        by=world.people[GRANTEE],
    )
    question_respond(
        question=world.question,
        party=world.learning_partner_party,
        decision="agree",
        by=world.people[LEARNING_PARTNER],
    )


def _build_consent(world: World) -> None:
    """The grantee's admin gives consent to take part and permission to challenge it."""
    admin = world.people[GRANTEE_ADMIN]
    world.consent_record = consent_record(
        party=world.grantee_party, purpose="participate", decision="grant", by=admin
    )
    world.challenge_record = challenge_record(
        party=world.grantee_party,
        decision="grant",
        areas=["*"],
        channels=["workshop", "private_report"],
        by=admin,
    )


def _build_evidence(world: World) -> None:
    """The grantee adds a story with a PDF: it takes part, so the learning partner sees it;
    it shares with nobody else, so the funders do not."""
    # A real PDF with words, so its text can be coded.
    pdf = html_to_pdf("<p>Photos of the club. The pitch was full.</p>")
    world.evidence = evidence_submit(
        partnership=world.partnership,
        party=world.grantee_party,
        by=world.people[GRANTEE],
        item=clean_evidence(
            {
                "kind": "story",
                "title": "The Friday football club",
                "body": "Three young people came back after a year away.",
                "questions": [world.question.pk],
                "valence": "working",
                "occurred_on": "2026-10-02",
            },
            partnership=world.partnership,
            attachment=SimpleUploadedFile("photos.pdf", pdf, "application/pdf"),
        ),
    )
    world.attachment = world.evidence.attachments.get()


def _build_coding(world: World) -> None:
    """The learning partner makes two codes and codes the grantee's story to the first
    (the partnership learns *with* its parties, so every party may change the codebook;
    only those who see the story see the excerpt)."""
    by = world.people[LEARNING_PARTNER]
    world.code = code_create(partnership=world.partnership, name="Coming back", by=by)
    world.other_code = code_create(partnership=world.partnership, name="Belonging", by=by)
    world.excerpt = excerpt_create(
        evidence=world.evidence, start=0, end=18, code_ids=[world.code.pk], by=by
    )


def _build_briefs(world: World) -> None:
    """The learning partner asks for October's brief and it is drafted (it cites the
    grantee's story); the grantee comments on it and records a learning action."""
    world.brief, _ = brief_request(
        partnership=world.partnership,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        by=world.people[LEARNING_PARTNER],
    )
    brief_draft(brief_id=world.brief.pk)
    world.brief.refresh_from_db()
    # Written, so the learning partner may publish it (an empty "so what?" is a 409).
    world.brief = brief_update(
        brief=world.brief,
        by=world.people[LEARNING_PARTNER],
        so_what="Families come back when the welcome is warm.",
    )
    # A notice about the brief sent to the grantee (its challenge since taken out: it
    # holds nothing back).
    PrePublicationNotice.objects.create(
        brief=world.brief,
        party=world.grantee_party,
        challenges=[{"area": "*", "text": "Opening only on weekdays misses working parents."}],
        sent_at=timezone.now(),
        sent_by=world.people[LEARNING_PARTNER],
    )
    world.comment = brief_comment_create(
        brief=world.brief,
        party=world.grantee_party,
        section=0,
        text="Could the quotes say which club they came from?",
        by=world.people[GRANTEE],
    )
    world.learning_action = learning_action_create(
        partnership=world.partnership,
        party=world.grantee_party,
        by=world.people[GRANTEE],
        description="Run the Friday club on Saturdays too.",
    )


def _build_grants(world: World) -> None:
    """A 360Giving file imported by the funder admin (only they may follow it)."""
    from grants.services import grant_import_run, grant_import_start

    text = (
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
        "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
        "360G-WORLD-1,Youth club evenings,Evening youth club sessions.,GBP,9000,2025-05-01,"
        "GB-CHC-1,Eastside Youth Project,GB-CHC-2,Northern Lights Foundation\n"
    )
    upload = SimpleUploadedFile("grants.csv", text.encode(), "text/csv")
    world.grant_import = grant_import_start(by=world.people[FUNDER_ADMIN], upload=upload)
    grant_import_run(import_id=world.grant_import.pk)


def _build_shared_brief(world: World) -> None:
    """The learning partner publishes August's brief and shares it with the public by link."""
    learning_partner = world.people[LEARNING_PARTNER]
    brief, _ = brief_request(
        partnership=world.partnership,
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        by=learning_partner,
    )
    brief_draft(brief_id=brief.pk)
    brief.refresh_from_db()
    brief = brief_update(brief=brief, by=learning_partner, so_what="Summer kept them coming.")
    world.published_brief = brief_publish(brief=brief, by=learning_partner)
    world.share_link = share_link_create(
        brief=world.published_brief, audience="public", by=learning_partner
    )


def _build_learning_session(world: World) -> None:
    """The learning partner schedules a reflection session every accepted party attends."""
    world.learning_session = session_schedule(
        partnership=world.partnership,
        by=world.people[LEARNING_PARTNER],
        fields={
            "kind": "reflection",
            "title": "Spring reflection",
            "starts_at": timezone.now() + timedelta(days=10),
            "duration_minutes": 90,
            "prompts": ["What did we do?"],
        },
    )


def _sign_everyone_in(world: World) -> None:
    """One real session per role: sent as the session cookie (web) or X-Session-Token (apps)."""
    engine = import_module(settings.SESSION_ENGINE)
    for role in ROLES:
        if role == ANONYMOUS:
            continue
        request = HttpRequest()
        request.session = engine.SessionStore()
        login(request, world.people[role], backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        assert request.session.session_key is not None
        world.session_keys[role] = request.session.session_key


BUILD_STEPS: list[Callable[[World], None]] = [
    _build_people_and_organisations,
    _build_organisation_invitation,
    _build_partnership,
    _build_consent,
    _build_evidence,
    _build_coding,
    _build_briefs,
    _build_shared_brief,
    _build_learning_session,
    _build_grants,
    _sign_everyone_in,
]


def build_world() -> World:
    world = World()
    for step in BUILD_STEPS:
        step(world)
    missing = [role for role in ROLES if role != ANONYMOUS and role not in world.people]
    assert not missing, f"roles without a person: {missing}"
    return world

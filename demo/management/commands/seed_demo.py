"""Load LearnHub's demo data: organisations, people, memberships, an invitation, two
partnerships at different stages (one active, one still in discovery) and a sample of
360Giving grants data.

Everything is made through the services, exactly as the pages and the API would make it,
and only when it is missing: running the command again changes nothing and prints the
same sign-in details.
"""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from partnerships.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    Partnership,
    Party,
    QuestionResponse,
)
from partnerships.selectors import organisation_invitations_pending
from partnerships.services import (
    Complexity,
    discovery_brief_agree,
    discovery_brief_update,
    membership_set,
    organisation_create,
    organisation_invite,
    partnership_create,
    partnership_set_status,
    party_accept,
    party_invite,
    party_invite_new_organisation,
    question_propose,
    question_respond,
)

# Published in the README and printed on every run: demo accounts are for local use only.
DEMO_PASSWORD = "learn-together-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    admin: DemoPerson
    members: tuple[DemoPerson, ...]


PRIYA = DemoPerson("priya.shah@example.org", "Priya Shah")
TOM = DemoPerson("tom.whitfield@example.org", "Tom Whitfield")
GRACE = DemoPerson("grace.okafor@example.org", "Grace Okafor")
DANIEL = DemoPerson("daniel.hughes@example.org", "Daniel Hughes")
AMIRA = DemoPerson("amira.haddad@example.org", "Amira Haddad")
RUTH = DemoPerson("ruth.mensah@example.org", "Ruth Mensah")
LEO = DemoPerson("leo.fraser@example.org", "Leo Fraser")

FUNDER = DemoOrganisation(
    "Northbridge Community Foundation", Organisation.Kind.FUNDER, PRIYA, (TOM,)
)
FOOD_BANK = DemoOrganisation("Riverside Food Bank", Organisation.Kind.GRANTEE, GRACE, (DANIEL,))
# Daniel coordinates volunteers for both grantees, so he belongs to two organisations.
YOUNG_CARERS = DemoOrganisation(
    "Hillcrest Young Carers", Organisation.Kind.GRANTEE, AMIRA, (DANIEL,)
)
LEARNING_PARTNER = DemoOrganisation(
    "Open Ground Learning Co-operative", Organisation.Kind.LEARNING_PARTNER, RUTH, (LEO,)
)
ORGANISATIONS = (FUNDER, FOOD_BANK, YOUNG_CARERS, LEARNING_PARTNER)

OPERATOR = DemoPerson("operator@example.org", "Site operator")
INVITED_EMAIL = "new.colleague@example.org"

ACTIVE_TITLE = "Food security in Riverside"
DISCOVERY_TITLE = "Young carers' wellbeing"


class Command(BaseCommand):
    help = "Load the demo organisations, people and partnerships (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo accounts on a site that is not a demo site. Their password is "
            "public.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LEARNHUB_DEMO_SITE and not options["allow_without_debug"]:
            raise CommandError(
                "This is not a demo site (LEARNHUB_DEMO_SITE is off), so it may be a real "
                "site, and every demo account has a published password. Use "
                "--allow-without-debug if you really want them here."
            )
        with transaction.atomic():
            organisations = {org.name: _organisation(org) for org in ORGANISATIONS}
            _superuser(OPERATOR)
            invitation = _invitation(organisations[FUNDER.name], invited_by=_user(PRIYA))
            partnerships = [
                _active_partnership(organisations),
                _discovery_partnership(organisations),
            ]
            # Evidence of every kind from every party (the evidence app; safe to run again).
            call_command("seed_demo_evidence", verbosity=0)
            # The codebook: a few codes with excerpts, so briefs' themes are codes.
            from demo.coding import seed_coding_demo

            seed_coding_demo(partnerships[0])
            # Insight briefs: a published brief, a draft, and this period's evidence.
            from demo.briefs import seed_brief_demo

            seed_brief_demo(partnerships[0])
            # The pulse: last period's results (with a flag) and this period's count so far.
            from demo.pulse import seed_pulse_demo

            seed_pulse_demo(partnerships[0])
            # Learning sessions: one held, with a reflection recorded from it, one to come.
            from demo.sessions import seed_session_demo

            seed_session_demo(partnerships[0])
            # Grants data (360Giving), so each partnership's "Similar work" shows grants.
            from demo.sample_grants import seed_sample_grants

            seed_sample_grants(by=_user(OPERATOR))
        self._print_logins(invitation, partnerships)

    def _print_logins(
        self, invitation: OrganisationInvitation, partnerships: list[Partnership]
    ) -> None:
        people: dict[str, list[str]] = {}
        for org in ORGANISATIONS:
            people.setdefault(org.admin.email, []).append(f"admin of {org.name}")
            for member in org.members:
                people.setdefault(member.email, []).append(f"member of {org.name}")
        people[OPERATOR.email] = ["operator: can use the admin site at /admin/"]

        write = self.stdout.write
        write("")
        write(self.style.SUCCESS("LearnHub demo data is ready. Sign in with any of these:"))
        write("")
        width = max(len(email) for email in people)
        for email, roles in people.items():
            write(f"  {email.ljust(width)}  {'; '.join(roles)}")
        write("")
        write(f"  Password for every demo account: {DEMO_PASSWORD}")
        write("")
        write(
            f"  {invitation.email} has a waiting invitation to join "
            f"{invitation.organisation.name}: {invitation.get_absolute_url()}"
        )
        write("")
        write("  Partnerships:")
        for partnership in partnerships:
            parties = ", ".join(
                party.organisation.name
                for party in partnership.parties.select_related("organisation")
            )
            write(f"    {partnership.title} ({partnership.get_status_display()}): {parties}")
        write("")


def _user(person: DemoPerson) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User.objects.create_user(person.email, DEMO_PASSWORD, name=person.name)
    elif not user.check_password(DEMO_PASSWORD):
        # Someone changed it while trying things out: the printed logins must still work.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # The demo's addresses count as confirmed, so no demo page asks to verify them.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _superuser(person: DemoPerson) -> User:
    user = _user(person)
    if not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _organisation(spec: DemoOrganisation) -> Organisation:
    admin = _user(spec.admin)
    organisation = Organisation.objects.filter(name__iexact=spec.name, kind=spec.kind).first()
    if organisation is None:
        organisation = organisation_create(name=spec.name, kind=spec.kind, by=admin)
    _ensure_role(organisation, admin, Membership.Role.ADMIN)
    for person in spec.members:
        _ensure_role(organisation, _user(person), Membership.Role.MEMBER)
    return organisation


def _ensure_role(organisation: Organisation, user: User, role: str) -> None:
    if not Membership.objects.filter(organisation=organisation, user=user, role=role).exists():
        membership_set(organisation=organisation, user=user, role=role)


def _invitation(organisation: Organisation, *, invited_by: User) -> OrganisationInvitation:
    waiting = (
        organisation_invitations_pending(organisation=organisation)
        .filter(email__iexact=INVITED_EMAIL)
        .first()
    )
    if waiting is not None:
        return waiting
    return organisation_invite(
        organisation=organisation, email=INVITED_EMAIL, role=Membership.Role.MEMBER, by=invited_by
    )


def _party(partnership: Partnership, organisation: Organisation) -> Party:
    return Party.objects.get(partnership=partnership, organisation=organisation)


def _join(
    partnership: Partnership,
    spec: DemoOrganisation,
    role: str,
    organisations: dict[str, Organisation],
) -> Party:
    """The funder's admin invites the organisation; its admin accepts."""
    party = party_invite(
        partnership=partnership,
        organisation=organisations[spec.name],
        role=role,
        by=_user(FUNDER.admin),
    )
    return party_accept(party=party, by=_user(spec.admin))


def _active_partnership(organisations: dict[str, Organisation]) -> Partnership:
    """A partnership past discovery: agreed brief, agreed questions, learning under way."""
    funder = organisations[FUNDER.name]
    existing = Partnership.objects.filter(funder=funder, title=ACTIVE_TITLE).first()
    if existing is not None:
        return existing
    priya, ruth, grace = _user(PRIYA), _user(RUTH), _user(GRACE)
    partnership = partnership_create(
        title=ACTIVE_TITLE,
        funder=funder,
        learning_mode=Partnership.LearningMode.LEARNING_WITH,
        priority_audience=Partnership.PriorityAudience.BENEFICIARIES,
        brief_cadence=Partnership.Cadence.MONTHLY,
        description=(
            "Three years of funding for Riverside Food Bank's advice and food parcels, "
            "with Open Ground helping everyone learn what reduces repeat crisis visits."
        ),
        by=priya,
    )
    funder_party = _party(partnership, funder)
    food_bank = _join(partnership, FOOD_BANK, Party.Role.GRANTEE, organisations)
    learning_partner = _join(
        partnership, LEARNING_PARTNER, Party.Role.LEARNING_PARTNER, organisations
    )
    discovery_brief_update(
        partnership=partnership,
        audience="First the people who use the food bank, then the foundation's trustees.",
        desired_impact="Fewer households needing emergency food parcels more than once a year.",
        scope=(
            "In scope: food parcels, benefits advice and referrals. "
            "Out of scope: the food bank's warehouse and logistics."
        ),
        complexity=Complexity(
            duration_years=3,
            partner_count=3,
            workstream_count=2,
            differing_aims=False,
            power_imbalance=True,
        ),
        open_questions="How do we hear from people who stop coming?",
        by=ruth,
        party=learning_partner,
    )
    # Learning with: the parties own the brief together, so the food bank agrees it too.
    discovery_brief_agree(partnership=partnership, party=learning_partner, by=ruth)
    discovery_brief_agree(partnership=partnership, party=food_bank, by=grace)
    discovery_brief_agree(partnership=partnership, party=funder_party, by=priya)
    questions = [
        question_propose(
            partnership=partnership,
            party=food_bank,
            text="Does same-day benefits advice reduce repeat visits within six months?",
            rationale="Advisers think it does, but we have never checked.",
            by=grace,
        ),
        question_propose(
            partnership=partnership,
            party=learning_partner,
            text="What stops people from coming back for advice after their first visit?",
            by=ruth,
        ),
    ]
    answers = [(funder_party, priya), (food_bank, grace), (learning_partner, ruth)]
    for question in questions:
        for party, person in answers:
            question_respond(
                question=question, party=party, decision=QuestionResponse.Decision.AGREE, by=person
            )
    return partnership_set_status(
        partnership=partnership, status=Partnership.Status.ACTIVE, by=priya
    )


def _discovery_partnership(organisations: dict[str, Organisation]) -> Partnership:
    """A partnership still in discovery: a draft brief, one question agreed by some, one
    contested, and one just proposed that the food security partnership asks too."""
    funder = organisations[FUNDER.name]
    existing = Partnership.objects.filter(funder=funder, title=DISCOVERY_TITLE).first()
    if existing is not None:
        return existing
    priya, ruth, amira = _user(PRIYA), _user(RUTH), _user(AMIRA)
    partnership = partnership_create(
        title=DISCOVERY_TITLE,
        funder=funder,
        learning_mode=Partnership.LearningMode.LEARNING_FOR,
        priority_audience=Partnership.PriorityAudience.GRANTEES,
        brief_cadence=Partnership.Cadence.QUARTERLY,
        description="Learning how Hillcrest's respite days and school support help young carers.",
        by=priya,
    )
    funder_party = _party(partnership, funder)
    young_carers = _join(partnership, YOUNG_CARERS, Party.Role.GRANTEE, organisations)
    learning_partner = _join(
        partnership, LEARNING_PARTNER, Party.Role.LEARNING_PARTNER, organisations
    )
    discovery_brief_update(
        partnership=partnership,
        audience="Hillcrest's staff and volunteers, so they can improve their support.",
        desired_impact="Young carers say they have more time and energy for school and friends.",
        scope="Respite days and school liaison. Family counselling is out of scope for now.",
        complexity=Complexity(
            duration_years=2,
            partner_count=3,
            workstream_count=2,
            differing_aims=True,
            power_imbalance=True,
        ),
        open_questions="How can young carers shape the questions without adding to their load?",
        by=ruth,
        party=learning_partner,
    )
    respite = question_propose(
        partnership=partnership,
        party=young_carers,
        text="Which parts of a respite day do young carers say make the most difference?",
        by=amira,
    )
    question_respond(
        question=respite, party=young_carers, decision=QuestionResponse.Decision.AGREE, by=amira
    )
    question_respond(
        question=respite,
        party=learning_partner,
        decision=QuestionResponse.Decision.AGREE,
        by=ruth,
    )
    attendance = question_propose(
        partnership=partnership,
        party=funder_party,
        text="Does school attendance improve for young carers who join respite days?",
        rationale="The foundation's trustees ask about attendance first.",
        by=priya,
    )
    question_respond(
        question=attendance,
        party=young_carers,
        decision=QuestionResponse.Decision.OBJECT,
        comment=(
            "Attendance depends on much more than us, and asking schools for it could "
            "single young carers out. We would rather ask the young people themselves."
        ),
        by=amira,
    )
    # Asked in the food security partnership too: the foundation's "Questions across your
    # partnerships" page puts the two together.
    question_propose(
        partnership=partnership,
        party=funder_party,
        text="What stops young carers and their families coming back for advice after a "
        "first visit?",
        by=priya,
    )
    # An organisation not on LearnHub yet, invited by its contact's email: the parties
    # page shows it waiting for its first person.
    party_invite_new_organisation(
        partnership=partnership,
        name="Eastfield Young Carers Network",
        email="hello@eastfield-carers.example",
        role=Party.Role.GRANTEE,
        by=priya,
    )
    return partnership

"""The role matrix: for every URL pattern LearnHub serves, what each role gets.

``tests/authz/test_url_coverage.py`` fails for a URL pattern with no entry here (and for
an entry that matches no pattern); ``tests/authz/test_matrix.py`` requests every
(pattern, method, role) for real, against real rows (``tests/authz/world.py``), and
checks the outcome. A role refused a write is also checked to have changed nothing.

How to add an entry for a new URL:

1. ``pytest tests/authz/test_url_coverage.py`` names each uncovered pattern by its key:
   its full namespaced URL name (``api:partnership-detail``), or its route when it has
   no name. ``python -m tests.authz.patterns`` lists them all.
2. Add one entry in the section for its area, saying how it is reached and, for each
   HTTP method the view answers, what every role gets::

       api(
           "api:partnership-detail",
           GET=party_only(OK_200, invited=OK_200),
           PATCH=party_only(OK_200, only=[FUNDER_ADMIN], body=lambda w: {"title": "New"}),
       )

   - ``web(...)`` pages (anonymous is sent to sign in), ``api(...)`` /api/v1/ (anonymous
     gets 401), ``headless(...)`` allauth's app and browser endpoints, ``admin(...)``.
   - The rule makers fill in every role, and take ``role=outcome`` overrides:
     ``public()`` anyone; ``signed_in()`` anyone signed in; ``org_only(member=, admin=)``
     people in ``world.organisation`` (others 404); ``party_only(allowed, only=[...])``
     accepted parties of ``world.partnership`` (the rest of the parties get 403, an
     invited party and non-parties 404).
   - Outcomes: ``OK_200``/``CREATED``/``status(n)`` exact codes; ``FORBIDDEN``,
     ``NOT_FOUND``, ``NOT_ALLOWED`` (405), ...; ``OK`` any success or redirect; ``DONE``
     a success that changed a row; ``redirect("url-name")`` (the URL name it lands on);
     ``done_redirect("url-name")`` a form that did the thing; ``refused_redirect(...)``
     and ``REFUSED_FORM`` a page that refuses with a message or the form again (nothing
     may change). Any 4xx must change nothing.
   - Give writes a valid ``body=lambda w: {...}`` (``w`` is the world), so the allowed
     roles really do the thing and the refused ones really are refused. Pages get form
     fields; the API gets JSON (a multipart upload when a value is a file).
   - Anything inside a partnership must answer 404 to people outside it
     (``test_url_coverage.py`` checks the matrix says so).
3. If the URL takes an argument the world does not know yet, teach
   ``World.kwargs_for`` (``tests/authz/world.py``), or pass ``kwargs=lambda w: {...}``.
4. ``pytest tests/authz/test_matrix.py -k "api:partnership-detail"``.

State the rule the product needs (PRODUCT.md, API.md), not what the code happens to do:
when they disagree, the failing test is the point. Third-party pages (allauth, the Django
admin) may share a ``group(...)`` rule matched by a glob, saying why they behave alike;
our own views always get an exact entry. Third-party views are requested as three roles
when every signed-in role gets the same outcome (they cannot tell our roles apart).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from consent.answers import ConsentAnswers
from consent.notices import NOTICES
from tests.authz.rules import (
    BAD_REQUEST,
    CONFLICT,
    CREATED,
    DONE,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK_200,
    REFUSED_FORM,
    UNAUTHORISED,
    Check,
    Entry,
    Surface,
    admin,
    api,
    app,
    browser,
    done_redirect,
    everyone,
    group,
    org_only,
    party_only,
    public,
    redirect,
    refused_redirect,
    signed_in,
    signed_out,
    staff_only,
    status,
    web,
)
from tests.authz.world import (
    FUNDER_ADMIN,
    GRANTEE,
    GRANTEE_ADMIN,
    LEARNING_PARTNER,
    World,
)


def headless(endpoint: str, **checks: Check) -> list[Entry]:
    """The same allauth headless endpoint for both clients: ``app`` (X-Session-Token) and
    ``browser`` (session cookie)."""
    return [
        app(f"headless:app:{endpoint}", **checks),
        browser(f"headless:browser:{endpoint}", **checks),
    ]


# --- Request bodies ----------------------------------------------------------------------


def _new_organisation(w: World) -> dict[str, Any]:
    return {"name": "Hilltop Carers Network", "kind": "grantee"}


def _new_invitation(w: World) -> dict[str, Any]:
    return {"email": "new.colleague@example.org", "role": "member"}


def _new_partnership(w: World) -> dict[str, Any]:
    return {
        "title": "Learning from the warm spaces programme",
        "funder": w.funder_org.pk,
        "learning_mode": "learning_for",
        "priority_audience": "beneficiaries",
        "brief_cadence": "quarterly",
    }


def _discovery_brief(w: World) -> dict[str, Any]:
    return {
        "audience": "Grantees first, then the funder's board.",
        "desired_impact": "Fewer young people leave education early.",
        "scope": "Youth work in Eastside only.",
        "complexity": {
            "duration_years": 3,
            "partner_count": 4,
            "workstream_count": 2,
            "differing_aims": True,
            "power_imbalance": True,
        },
        "open_questions": "",
    }


def _partnership_details(w: World) -> dict[str, Any]:
    return {
        "title": "Growing up well together",
        "description": "What helps young people in Eastside thrive.",
        "learning_mode": "learning_with",
        "priority_audience": "grantees",
        "brief_cadence": "monthly",
    }


def _discovery_form(w: World) -> dict[str, Any]:
    brief = _discovery_brief(w)
    complexity = brief.pop("complexity")
    return {**brief, **complexity, "differing_aims": "on", "power_imbalance": "on"}


def _new_question(w: World) -> dict[str, Any]:
    return {"text": "What changes when young people lead sessions?", "rationale": ""}


def _objection(w: World) -> dict[str, Any]:
    return {"decision": "object", "comment": "Too broad to answer in two years."}


def _consent(w: World) -> dict[str, Any]:
    return {"purpose": "publish", "decision": "grant", "note": "For the first brief only."}


def _challenge(w: World) -> dict[str, Any]:
    return {"decision": "grant", "areas": ["*"], "channels": ["published_brief"]}


def _new_story(w: World) -> dict[str, Any]:
    return {
        "kind": "story",
        "title": "The summer trip",
        "body": "Two young people led the planning themselves.",
        "questions": [w.question.pk],
        "valence": "working",
        "attribution": "anonymous",
        "occurred_on": "2026-08-14",
    }


def _story_form(w: World) -> dict[str, Any]:
    form = _new_story(w)
    del form["kind"]  # the kind is in the page's address (?kind=story)
    return form


def _evidence_csv(w: World) -> dict[str, Any]:
    text = "kind,title,body,occurred_on,valence\nquote,Heard,“At home here.”,2026-09-01,working\n"
    return {"file": SimpleUploadedFile("evidence.csv", text.encode(), "text/csv")}


def _september(w: World) -> dict[str, Any]:
    return {"period_start": "2026-09-01", "period_end": "2026-09-30"}


def _comment_form(w: World) -> dict[str, Any]:
    return {"section": "", "text": "The Saturday club is missing from this section."}


def _brief_form(w: World) -> dict[str, Any]:
    return {
        "so_what": "Young people come back when their friends come too.",
        "recommendations": "",
        "challenge-TOTAL_FORMS": "0",
        "challenge-INITIAL_FORMS": "0",
        "challenge-MIN_NUM_FORMS": "0",
        "challenge-MAX_NUM_FORMS": "20",
    }


def _grantee_action_form(w: World) -> dict[str, Any]:
    return {
        "party": w.grantee_party.pk,
        "description": "Ask the young people who stopped coming why.",
        "status": "planned",
    }


def _grants_csv(w: World) -> dict[str, Any]:
    text = (
        "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
        "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
        "360G-MATRIX-1,Food bank advice,Benefits advice.,GBP,5000,2025-02-01,"
        "GB-CHC-3,Riverside Food Bank,GB-CHC-2,Northern Lights Foundation\n"
    )
    return {"file": SimpleUploadedFile("grants.csv", text.encode(), "text/csv")}


def _action_update(w: World) -> dict[str, Any]:
    return {
        "description": "Run the Friday club on Saturdays too.",
        "status": "done",
        "outcome": "Twelve more young people came.",
    }


def _session_form(w: World) -> dict[str, Any]:
    return {
        "kind": "after_action_review",
        "title": "Summer review",
        "day": "2027-06-02",
        "time": "10:30",
        "duration_minutes": "60",
        "parties": [w.grantee_party.pk, w.learning_partner_party.pk],
        "prompts": "What was planned?\nWhat happened?",
    }


def _session_json(w: World) -> dict[str, Any]:
    return {
        "kind": "after_action_review",
        "title": "Summer review",
        "starts_at": "2027-06-02T10:30:00+01:00",
        "duration_minutes": 60,
        "parties": [w.grantee_party.pk, w.learning_partner_party.pk],
        "prompts": ["What was planned?"],
    }


#: Who schedules, changes and cancels learning sessions.
_SESSION_MANAGERS = [LEARNING_PARTNER, FUNDER_ADMIN]


# --- consent form: the signed fields of the consent form and its check page -----------


_FUNDER_ANSWERS = {
    "participate": "no",
    "publish": "yes",
    "attribute": "no",
    "share_with_funder": "no",
    "share_with_parties": "no",
}


def _funder_answers(w: World, answers: dict[str, str] | None = None) -> ConsentAnswers:
    return ConsentAnswers(
        party=w.funder_party.pk,
        basis=dict.fromkeys(NOTICES, ""),
        versions={purpose: notice.version for purpose, notice in NOTICES.items()},
        answers=answers or {},
    )


def _consent_answers_form(w: World) -> dict[str, Any]:
    return {"shown": _funder_answers(w).token(), **_FUNDER_ANSWERS}


def _consent_answers_checked(w: World) -> dict[str, Any]:
    token = _funder_answers(w, _FUNDER_ANSWERS).token()
    return {"answers": token, "note": "For the first brief."}


_TO_SIGN_IN = redirect("account_login")
_TO_PARTNERSHIP = done_redirect("partnerships:partnership-detail")
_TO_DISCOVERY = done_redirect("partnerships:partnership-discovery")
_TO_QUESTIONS = done_redirect("partnerships:partnership-questions")
_TO_CONSENT = done_redirect("consent:consent-overview")
_TO_DASHBOARD = redirect("dashboard")

# --- The matrix ----------------------------------------------------------------------------

MATRIX: list[Entry] = [
    # --- Home, dashboard, operations -------------------------------------------------------
    web("home", GET=signed_out(OK_200, signed_in_outcome=redirect("dashboard"))),
    web("dashboard", GET=signed_in(OK_200)),
    web("healthz", GET=public(OK_200)),
    web("api-schema", GET=public(OK_200)),
    web("api-docs", GET=public(OK_200)),
    web("site-help", GET=public(OK_200)),
    web("site-privacy", GET=public(OK_200)),
    web("site-accessibility", GET=public(OK_200)),
    web("site-contact", GET=public(OK_200)),
    web("site-glossary", GET=public(OK_200)),
    # --- Organisations: pages ------------------------------------------------------------
    web("partnerships:organisation-list", GET=signed_in(OK_200)),
    web(
        "partnerships:organisation-create",
        GET=signed_in(OK_200),
        POST=signed_in(done_redirect("partnerships:organisation-detail"), body=_new_organisation),
    ),
    # The directory card is for anyone signed in; members and admins see more on it.
    web("partnerships:organisation-detail", GET=signed_in(OK_200)),
    web(
        "partnerships:organisation-invite",
        POST=org_only(
            member=refused_redirect("partnerships:organisation-detail"),
            admin=DONE,
            body=_new_invitation,
        ),
    ),
    # Its admins send ``world.invitation`` again or cancel it; members are refused.
    *(
        web(
            f"partnerships:organisation-invitation-{action}",
            POST=org_only(member=refused_redirect("partnerships:organisation-detail"), admin=DONE),
        )
        for action in ("send-again", "cancel")
    ),
    # ``world.invitation`` is addressed to the outsider. Anyone holding the link may read
    # it (the page explains who may accept); only the addressee can accept it.
    web(
        "partnerships:invitation-accept",
        GET=public(OK_200),
        POST=signed_in(FORBIDDEN, outsider=done_redirect("partnerships:organisation-detail")),
    ),
    # --- Organisations: API ----------------------------------------------------------------
    api("api:me", GET=signed_in(OK_200)),
    api("api:me-invitations", GET=signed_in(OK_200)),
    api("api:me-left-partnerships", GET=signed_in(OK_200)),
    api(
        "api:organisation-list",
        GET=signed_in(OK_200),
        POST=signed_in(CREATED, body=_new_organisation),
    ),
    api("api:organisation-detail", GET=signed_in(OK_200)),
    api("api:organisation-members", GET=org_only(member=OK_200, admin=OK_200)),
    api(
        "api:organisation-invitations",
        GET=org_only(member=FORBIDDEN, admin=OK_200),
        POST=org_only(member=FORBIDDEN, admin=CREATED, body=_new_invitation),
    ),
    api("api:invitation-accept", POST=signed_in(FORBIDDEN, outsider=OK_200)),
    api(
        "api:organisation-invitation-send-again",
        POST=org_only(member=FORBIDDEN, admin=OK_200),
    ),
    api("api:organisation-invitation-cancel", POST=org_only(member=FORBIDDEN, admin=OK_200)),
    # --- Partnerships: pages -------------------------------------------------------------
    web("partnerships:partnership-list", GET=signed_in(OK_200)),
    # Only people in a funder organisation can start a partnership for it: the funder
    # field offers nobody else a choice, so the form comes back with an error.
    web(
        "partnerships:partnership-create",
        GET=signed_in(OK_200),
        POST=signed_in(
            REFUSED_FORM,
            funder=_TO_PARTNERSHIP,
            funder_admin=_TO_PARTNERSHIP,
            body=_new_partnership,
        ),
    ),
    # An invited party sees the partnership itself (as an invitation), nothing else inside.
    web("partnerships:partnership-detail", GET=party_only(OK_200, invited=OK_200)),
    web(
        "partnerships:partnership-edit",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(_TO_PARTNERSHIP, only=[FUNDER_ADMIN], body=_partnership_details),
    ),
    web("partnerships:partnership-parties", GET=party_only(OK_200)),
    web(
        "partnerships:partnership-invite",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(
            done_redirect("partnerships:partnership-parties"),
            only=[FUNDER_ADMIN],
            body=lambda w: {"organisation": w.organisation.pk, "role": "grantee"},
        ),
    ),
    # <party_pk> is the invited party: only its admin answers the invitation.
    web(
        "partnerships:partnership-party-accept",
        POST=party_only(only=[], invited=_TO_PARTNERSHIP),
    ),
    web(
        "partnerships:partnership-party-decline",
        POST=party_only(only=[], invited=done_redirect("dashboard")),
    ),
    web(
        "partnerships:partnership-party-remove",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(done_redirect("partnerships:partnership-parties"), only=[FUNDER_ADMIN]),
    ),
    # Leaving is for an admin of the leaving party: <party_pk> is the grantee party here.
    web(
        "partnerships:partnership-party-leave",
        kwargs=lambda w: {"pk": w.partnership.pk, "party_pk": w.grantee_party.pk},
        GET=party_only(OK_200, only=[GRANTEE_ADMIN]),
        POST=party_only(done_redirect("partnerships:partnership-list"), only=[GRANTEE_ADMIN]),
    ),
    web("partnerships:partnership-discovery", GET=party_only(OK_200)),
    web(
        "partnerships:partnership-discovery-edit",
        GET=party_only(OK_200, only=[LEARNING_PARTNER]),
        POST=party_only(_TO_DISCOVERY, only=[LEARNING_PARTNER], body=_discovery_form),
    ),
    # The world learns with its parties: every party's admins may agree the brief.
    web(
        "partnerships:partnership-discovery-agree",
        POST=party_only(_TO_DISCOVERY, only=[FUNDER_ADMIN, GRANTEE_ADMIN]),
    ),
    web("partnerships:partnership-questions", GET=party_only(OK_200)),
    web(
        "partnerships:partnership-question-propose",
        GET=party_only(OK_200),
        POST=party_only(_TO_QUESTIONS, body=_new_question),
    ),
    web(
        "partnerships:partnership-question-respond",
        GET=party_only(OK_200),
        POST=party_only(_TO_QUESTIONS, body=_objection),
    ),
    web("partnerships:partnership-timeline", GET=party_only(OK_200)),
    # "Check your answers" first; the world's partnership is not ready to become active
    # (its discovery brief is not agreed), so confirming is a 409 that changes nothing.
    web(
        "partnerships:partnership-activate",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(CONFLICT, only=[FUNDER_ADMIN]),
    ),
    web(
        "partnerships:partnership-close",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(_TO_PARTNERSHIP, only=[FUNDER_ADMIN]),
    ),
    # Commissioning: inviting an organisation not on LearnHub yet by email, and sending
    # that email again. The world's invited party has people already, so there is no
    # email waiting to send again: the funder's admin is told so, and nothing changes.
    web(
        "partnerships:partnership-invite-new",
        GET=party_only(OK_200, only=[FUNDER_ADMIN]),
        POST=party_only(
            done_redirect("partnerships:partnership-parties"),
            only=[FUNDER_ADMIN],
            body=lambda w: {
                "name": "Westside Youth Forum",
                "role": "grantee",
                "email": "contact@westside.example",
            },
        ),
    ),
    web(
        "partnerships:partnership-party-send-again",
        POST=party_only(refused_redirect("partnerships:partnership-parties"), only=[FUNDER_ADMIN]),
    ),
    # --- Partnerships: API -------------------------------------------------------------
    # Only people in a funder organisation can start a partnership for it.
    api(
        "api:partnership-list",
        GET=signed_in(OK_200),
        POST=signed_in(BAD_REQUEST, funder=CREATED, funder_admin=CREATED, body=_new_partnership),
    ),
    # An invited party sees the partnership itself, to decide; nothing else inside it.
    api(
        "api:partnership-detail",
        GET=party_only(OK_200, invited=OK_200),
        PATCH=party_only(
            OK_200, only=[FUNDER_ADMIN], body=lambda w: {"title": "Growing up well together"}
        ),
    ),
    api(
        "api:partnership-status",
        POST=party_only(OK_200, only=[FUNDER_ADMIN], body=lambda w: {"status": "closed"}),
    ),
    api(
        "api:partnership-parties",
        GET=party_only(OK_200),
        POST=party_only(
            CREATED,
            only=[FUNDER_ADMIN],
            body=lambda w: {"organisation": w.organisation.pk, "role": "grantee"},
        ),
    ),
    # <party_pk> is the invited party: only its admin (``invited``) answers; the accepted
    # parties may see that it was invited but not answer for it.
    api("api:partnership-party-accept", POST=party_only(only=[], invited=OK_200)),
    api("api:partnership-party-decline", POST=party_only(only=[], invited=OK_200)),
    api("api:partnership-party-remove", POST=party_only(OK_200, only=[FUNDER_ADMIN])),
    # Leaving is for an admin of the leaving party: <party_pk> is the grantee party here.
    api(
        "api:partnership-party-leave",
        kwargs=lambda w: {"pk": w.partnership.pk, "party_pk": w.grantee_party.pk},
        POST=party_only(OK_200, only=[GRANTEE_ADMIN]),
    ),
    api(
        "api:partnership-discovery-brief",
        GET=party_only(OK_200),
        PUT=party_only(OK_200, only=[LEARNING_PARTNER], body=_discovery_brief),
    ),
    # Agreeing is for admins of the commissioning funder, a co-funder or a learning partner.
    api(
        "api:partnership-discovery-brief-agree",
        POST=party_only(OK_200, only=[FUNDER_ADMIN, GRANTEE_ADMIN]),
    ),
    api(
        "api:partnership-questions",
        GET=party_only(OK_200),
        POST=party_only(CREATED, body=_new_question),
    ),
    api("api:partnership-question-detail", GET=party_only(OK_200)),
    # The learning partner has answered already: its answer is replaced (200, not 201).
    api(
        "api:partnership-question-responses",
        POST=party_only(
            CREATED,
            learning_partner=OK_200,
            body=lambda w: {"decision": "object", "comment": "Too broad."},
        ),
    ),
    api("api:partnership-activity", GET=party_only(OK_200)),
    # --- Consent and permission to challenge: pages ---------------------------------------
    # Every accepted party sees the consent page and history; only a party's admins decide
    # for it: the others get a 403 page saying who can.
    web("consent:consent-overview", GET=party_only(OK_200)),
    web("consent:consent-history", GET=party_only(OK_200)),
    web(
        "consent:challenge-permission-decide",
        GET=party_only(OK_200, only=[GRANTEE_ADMIN, FUNDER_ADMIN]),
        POST=party_only(
            done_redirect("consent:challenge-permission"),
            only=[GRANTEE_ADMIN, FUNDER_ADMIN],
            body=_challenge,
        ),
    ),
    # How the partnership learns: every accepted party sees it; admins of a party propose
    # (here from learning with to learning for) and answer for it, the rest get a 403 page.
    web(
        "consent:learning-mode",
        GET=party_only(OK_200),
        POST=party_only(
            done_redirect("consent:learning-mode"),
            only=[GRANTEE_ADMIN, FUNDER_ADMIN],
            body=lambda w: {"action": "propose", "reason": "Our board asked us to."},
        ),
    ),
    # --- consent form: one form, "Check your answers", receipts as pages ----------------
    # The world's funder party has answered nothing: its admin's answers are checked (200),
    # then recorded. Every other party's people may not answer for the funder (403).
    web(
        "consent:consent-check",
        POST=party_only(OK_200, only=[FUNDER_ADMIN], body=_consent_answers_form),
    ),
    web(
        "consent:consent-confirm",
        POST=party_only(_TO_CONSENT, only=[FUNDER_ADMIN], body=_consent_answers_checked),
    ),
    # A receipt is the party's own proof: people in the grantee organisation only.
    web("consent:consent-receipt", GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN])),
    web("consent:consent-receipt-pdf", GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN])),
    # Every accepted party reads every party's permission to challenge.
    web("consent:challenge-permission", GET=party_only(OK_200)),
    # --- Consent and permission to challenge: API ------------------------------------------
    api(
        "api:learning-mode",
        GET=party_only(OK_200),
        POST=party_only(
            CREATED,
            only=[GRANTEE_ADMIN, FUNDER_ADMIN],
            body=lambda w: {"learning_mode": "learning_for", "reason": "Our board asked."},
        ),
    ),
    # Nothing is waiting for an answer in the world: the admins who may answer get 409.
    api(
        "api:learning-mode-answer",
        POST=party_only(
            CONFLICT, only=[GRANTEE_ADMIN, FUNDER_ADMIN], body=lambda w: {"decision": "agree"}
        ),
    ),
    api(
        "api:learning-mode-withdraw",
        POST=party_only(CONFLICT, only=[GRANTEE_ADMIN, FUNDER_ADMIN]),
    ),
    # Every accepted party sees every party's consent; only a party's admins decide for it
    # (here the grantee's and the commissioning funder's admins, each for their own party).
    # Records are never edited or deleted: 405.
    api(
        "api:consent-list",
        GET=party_only(OK_200),
        POST=party_only(CREATED, only=[GRANTEE_ADMIN, FUNDER_ADMIN], body=_consent),
    ),
    api("api:consent-current", GET=party_only(OK_200)),
    api("api:consent-export", GET=party_only(OK_200)),
    api(
        "api:consent-detail",
        GET=party_only(OK_200),
        PUT=signed_in(NOT_ALLOWED, body=_consent),
        PATCH=signed_in(NOT_ALLOWED, body=_consent),
        DELETE=signed_in(NOT_ALLOWED),
    ),
    # A receipt is the party's own proof: people in the grantee organisation only.
    api("api:consent-receipt", GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN])),
    api(
        "api:challenge-permission-list",
        GET=party_only(OK_200),
        POST=party_only(CREATED, only=[GRANTEE_ADMIN, FUNDER_ADMIN], body=_challenge),
    ),
    api("api:challenge-permission-current", GET=party_only(OK_200)),
    api(
        "api:challenge-permission-detail",
        GET=party_only(OK_200),
        PUT=signed_in(NOT_ALLOWED, body=_challenge),
        PATCH=signed_in(NOT_ALLOWED, body=_challenge),
        DELETE=signed_in(NOT_ALLOWED),
    ),
    # --- Evidence: pages -------------------------------------------------------------------
    # ``world.evidence`` is the grantee's; the grantee takes part (``participate``), so the
    # learning partner sees it; it shares with nobody else, so it does not exist for the
    # funders (404). Only the grantee's own people change or delete it (the learning
    # partner, who sees it, gets 403). Adding needs the party's ``participate`` consent,
    # which only the grantee has given: the other parties get a 403 page naming it.
    web("evidence:evidence-list", GET=party_only(OK_200)),
    # (Signing in returns to the address with its ?kind=story, so ``next`` has a query.)
    web(
        "evidence:evidence-create",
        GET=party_only(
            OK_200, only=[GRANTEE, GRANTEE_ADMIN], anonymous=_TO_SIGN_IN, query="?kind=story"
        ),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            only=[GRANTEE, GRANTEE_ADMIN],
            anonymous=_TO_SIGN_IN,
            body=_story_form,
            query="?kind=story",
        ),
    ),
    web(
        "evidence:evidence-import",
        GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN]),
        POST=party_only(
            done_redirect("evidence:evidence-list"),
            only=[GRANTEE, GRANTEE_ADMIN],
            body=_evidence_csv,
        ),
    ),
    web("evidence:evidence-import-template", GET=party_only(OK_200)),
    # Everyone's export holds only their own party's evidence (checked in tests/evidence).
    web("evidence:evidence-export", GET=party_only(OK_200)),
    web("evidence:evidence-coverage", GET=party_only(OK_200)),
    web(
        "evidence:evidence-detail",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
    ),
    web(
        "evidence:evidence-update",
        GET=party_only(
            OK_200, only=[GRANTEE, GRANTEE_ADMIN], funder=NOT_FOUND, funder_admin=NOT_FOUND
        ),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            only=[GRANTEE, GRANTEE_ADMIN],
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=_story_form,
        ),
    ),
    web(
        "evidence:evidence-delete",
        GET=party_only(
            OK_200, only=[GRANTEE, GRANTEE_ADMIN], funder=NOT_FOUND, funder_admin=NOT_FOUND
        ),
        POST=party_only(
            done_redirect("evidence:evidence-list"),
            only=[GRANTEE, GRANTEE_ADMIN],
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
        ),
    ),
    web(
        "evidence:attachment-download",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
    ),
    web(
        "evidence:attachment-delete",
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            only=[GRANTEE, GRANTEE_ADMIN],
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
        ),
    ),
    # --- Evidence: API -----------------------------------------------------------------------
    api(
        "api:partnership-evidence",
        GET=party_only(OK_200),
        POST=party_only(CREATED, only=[GRANTEE, GRANTEE_ADMIN], body=_new_story),
    ),
    api("api:partnership-evidence-coverage", GET=party_only(OK_200)),
    # Asked without ``party``, everyone in a party asks about their own party's new items.
    api("api:partnership-evidence-visibility", GET=party_only(OK_200)),
    api("api:partnership-evidence-export", GET=party_only(OK_200)),
    api("api:partnership-evidence-import-template", GET=party_only(OK_200)),
    # A CSV file, sent as a multipart upload: only the grantee's people may import (it
    # takes part); the other parties lack ``participate`` consent (403).
    api(
        "api:partnership-evidence-import",
        POST=party_only(CREATED, only=[GRANTEE, GRANTEE_ADMIN], body=_evidence_csv),
    ),
    api(
        "api:evidence-detail",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        PATCH=party_only(
            OK_200,
            only=[GRANTEE, GRANTEE_ADMIN],
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {"title": "The Friday football club, autumn"},
        ),
        DELETE=party_only(
            status(204),
            only=[GRANTEE, GRANTEE_ADMIN],
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
        ),
    ),
    api(
        "api:evidence-attachment",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
    ),
    # --- The codebook and excerpts (pages) --------------------------------------------------
    web(
        "evidence:codebook",
        GET=party_only(OK_200),
        POST=party_only(done_redirect("evidence:codebook"), body=lambda w: {"name": "Trust"}),
    ),
    web("evidence:codebook-export", GET=party_only(OK_200)),
    web("evidence:codebook-qdpx", GET=party_only(OK_200)),
    web(
        "evidence:code-detail",
        GET=party_only(OK_200),
        POST=party_only(
            done_redirect("evidence:code-detail"),
            body=lambda w: {"name": "Coming back", "description": "Young people return."},
        ),
    ),
    web(
        "evidence:code-merge",
        GET=party_only(OK_200),
        POST=party_only(
            done_redirect("evidence:code-detail"), body=lambda w: {"into": str(w.other_code.pk)}
        ),
    ),
    web(
        "evidence:code-delete",
        GET=party_only(OK_200),
        POST=party_only(done_redirect("evidence:codebook"), body=lambda w: {}),
    ),
    web(
        "evidence:excerpt-create",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {"first": "1", "last": "1", "codes": [str(w.code.pk)]},
        ),
    ),
    web(
        "evidence:attachment-excerpt-create",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {"first": "1", "last": "1", "codes": [str(w.code.pk)]},
        ),
    ),
    web(
        "evidence:excerpt-update",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {"codes": [str(w.other_code.pk)], "memo": "Checked."},
        ),
    ),
    web(
        "evidence:excerpt-delete",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        POST=party_only(
            done_redirect("evidence:evidence-detail"),
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {},
        ),
    ),
    # --- The codebook and excerpts (API) ----------------------------------------------------
    # The partnership learns *with* its parties, so every accepted party changes the
    # codebook; ``world.excerpt`` is of the grantee's story, which the funders may not see.
    api(
        "api:partnership-codes",
        GET=party_only(OK_200),
        POST=party_only(CREATED, body=lambda w: {"name": "Trust"}),
    ),
    api(
        "api:code-detail",
        GET=party_only(OK_200),
        PATCH=party_only(OK_200, body=lambda w: {"description": "Young people return."}),
        DELETE=party_only(status(204)),
    ),
    api("api:code-merge", POST=party_only(OK_200, body=lambda w: {"into": w.other_code.pk})),
    api(
        "api:evidence-excerpts",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        POST=party_only(
            CREATED,
            funder=NOT_FOUND,
            funder_admin=NOT_FOUND,
            body=lambda w: {"start": 0, "end": 5, "codes": [w.code.pk]},
        ),
    ),
    api(
        "api:excerpt-detail",
        GET=party_only(OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND),
        PATCH=party_only(
            OK_200, funder=NOT_FOUND, funder_admin=NOT_FOUND, body=lambda w: {"memo": "Checked."}
        ),
        DELETE=party_only(status(204), funder=NOT_FOUND, funder_admin=NOT_FOUND),
    ),
    api("api:partnership-excerpts", GET=party_only(OK_200)),
    api("api:partnership-code-matrix", GET=party_only(OK_200)),
    # --- Insight briefs and learning actions: pages -----------------------------------------
    # ``world.brief`` is October's draft; the partnership learns *with* its parties, so
    # every party reads drafts. Only the learning partner asks for, edits, previews and
    # publishes briefs (403 for the other parties). Learning actions are seen by every
    # party; ``world.learning_action`` is the grantee's, so its own people and the
    # learning partner change it. A funder posting for the grantee's party picks a choice
    # the form never offered it: the form is shown again (400), nothing changes.
    web("evidence:brief-list", GET=party_only(OK_200)),
    web(
        "evidence:brief-request",
        POST=party_only(
            done_redirect("evidence:brief-detail"), only=[LEARNING_PARTNER], body=_september
        ),
    ),
    web("evidence:brief-detail", GET=party_only(OK_200)),
    web(
        "evidence:brief-edit",
        GET=party_only(OK_200, only=[LEARNING_PARTNER]),
        POST=party_only(
            done_redirect("evidence:brief-detail"), only=[LEARNING_PARTNER], body=_brief_form
        ),
    ),
    web("evidence:brief-preview", GET=party_only(OK_200, only=[LEARNING_PARTNER])),
    web(
        "evidence:brief-publish",
        GET=party_only(OK_200, only=[LEARNING_PARTNER]),
        POST=party_only(done_redirect("evidence:brief-detail"), only=[LEARNING_PARTNER]),
    ),
    # The learning partner sends pre-publication notices (none is due in the world: a
    # refusal message, back to the publish page). ``world.brief`` has a notice sent to the
    # grantee: its people read it (others get 404, even parties that read the brief); only
    # its admin acknowledges it.
    web(
        "evidence:brief-notify",
        POST=party_only(redirect("evidence:brief-publish"), only=[LEARNING_PARTNER]),
    ),
    web(
        "evidence:brief-notice",
        GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN], refused=NOT_FOUND),
        POST=party_only(
            done_redirect("evidence:brief-notice"),
            only=[GRANTEE_ADMIN],
            refused=NOT_FOUND,
            grantee=FORBIDDEN,
        ),
    ),
    web(
        "evidence:brief-redraft",
        POST=party_only(done_redirect("evidence:brief-detail"), only=[LEARNING_PARTNER]),
    ),
    web("evidence:brief-download", GET=party_only(OK_200)),
    # Comments follow draft reading: every party reads ``world.brief``'s draft (learning
    # with), so every party comments; only the learning partner resolves
    # ``world.comment``, and only its author (the grantee's member) deletes it.
    web(
        "evidence:brief-comment",
        POST=party_only(done_redirect("evidence:brief-detail"), body=_comment_form),
    ),
    web(
        "evidence:comment-resolve",
        POST=party_only(done_redirect("evidence:brief-detail"), only=[LEARNING_PARTNER]),
    ),
    web(
        "evidence:comment-delete",
        POST=party_only(done_redirect("evidence:brief-detail"), only=[GRANTEE]),
    ),
    # Share links: ``world.published_brief`` (August) is shared with the public by
    # ``world.share_link``. Only the learning partner makes, lists and revokes links (403
    # for the other parties, who read the brief); the page a link opens is for anyone,
    # signed in or not.
    web(
        "evidence:share-links",
        kwargs=lambda w: {"pk": w.published_brief.pk},
        GET=party_only(OK_200, only=[LEARNING_PARTNER]),
        POST=party_only(
            done_redirect("evidence:share-links"),
            only=[LEARNING_PARTNER],
            body=lambda w: {"audience": "community", "expires_on": ""},
        ),
    ),
    web(
        "evidence:share-link-revoke",
        kwargs=lambda w: {"pk": w.share_link.pk},
        POST=party_only(done_redirect("evidence:share-links"), only=[LEARNING_PARTNER]),
    ),
    web(
        "evidence:share-page",
        kwargs=lambda w: {"token": w.share_link.token},
        GET=public(OK_200),
    ),
    web(
        "evidence:action-list",
        GET=party_only(OK_200),
        POST=party_only(
            done_redirect("evidence:action-list"),
            only=[GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER],
            refused=BAD_REQUEST,
            body=_grantee_action_form,
        ),
    ),
    web(
        "evidence:action-edit",
        GET=party_only(OK_200, only=[GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER]),
        POST=party_only(
            done_redirect("evidence:action-list"),
            only=[GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER],
            body=_action_update,
        ),
    ),
    # The library of published learning: everyone signed in reads their own (an outsider
    # an empty one). The questions across a funder's partnerships are for the people of a
    # funder organisation: everyone else gets a 403 saying what the page is for.
    web("evidence:library", GET=signed_in(OK_200)),
    web(
        "evidence:library-questions",
        GET=signed_in(FORBIDDEN, funder=OK_200, funder_admin=OK_200),
    ),
    # Form friction: a brief's words checked as the learning partner types. The check
    # reads only the words sent and keeps nothing, so anyone signed in may ask.
    web(
        "evidence:plain-words-check",
        POST=signed_in(OK_200, body=lambda w: {"so_what": "We will leverage what we learn."}),
    ),
    # --- Insight briefs and learning actions: API -------------------------------------------
    api(
        "api:partnership-briefs",
        GET=party_only(OK_200),
        POST=party_only(status(202), only=[LEARNING_PARTNER], body=_september),
    ),
    api(
        "api:brief-detail",
        GET=party_only(OK_200),
        PATCH=party_only(
            OK_200, only=[LEARNING_PARTNER], body=lambda w: {"so_what": "Friends bring friends."}
        ),
    ),
    api("api:brief-publish", POST=party_only(OK_200, only=[LEARNING_PARTNER])),
    api("api:brief-redraft", POST=party_only(status(202), only=[LEARNING_PARTNER])),
    api("api:brief-notices", GET=party_only(OK_200, only=[LEARNING_PARTNER])),
    api("api:brief-notify", POST=party_only(CONFLICT, only=[LEARNING_PARTNER])),
    api(
        "api:brief-acknowledge",
        POST=party_only(OK_200, only=[GRANTEE_ADMIN], refused=NOT_FOUND, grantee=FORBIDDEN),
    ),
    api("api:brief-export", GET=party_only(OK_200, query="?format=md")),
    api(
        "api:brief-comments",
        GET=party_only(OK_200),
        POST=party_only(CREATED, body=lambda w: {**_comment_form(w), "section": 0}),
    ),
    api("api:comment-resolve", POST=party_only(OK_200, only=[LEARNING_PARTNER])),
    # Only its author (the grantee's member) rewords or takes back ``world.comment``.
    api(
        "api:comment-detail",
        GET=party_only(OK_200),
        PATCH=party_only(OK_200, only=[GRANTEE], body=lambda w: {"text": "Name the clubs."}),
        DELETE=party_only(status(204), only=[GRANTEE]),
    ),
    api(
        "api:brief-share-links",
        kwargs=lambda w: {"pk": w.published_brief.pk},
        GET=party_only(OK_200, only=[LEARNING_PARTNER]),
        POST=party_only(CREATED, only=[LEARNING_PARTNER], body=lambda w: {"audience": "community"}),
    ),
    api(
        "api:share-link-revoke",
        kwargs=lambda w: {"pk": w.share_link.pk},
        POST=party_only(OK_200, only=[LEARNING_PARTNER]),
    ),
    api(
        "api:partnership-actions",
        GET=party_only(OK_200),
        POST=party_only(
            CREATED,
            only=[GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER],
            body=lambda w: {**_grantee_action_form(w), "outcome": ""},
        ),
    ),
    api(
        "api:action-detail",
        GET=party_only(OK_200),
        PATCH=party_only(
            OK_200, only=[GRANTEE, GRANTEE_ADMIN, LEARNING_PARTNER], body=_action_update
        ),
    ),
    # The library of published learning (the same rules as its pages).
    api("api:brief-library", GET=signed_in(OK_200)),
    api(
        "api:questions-recurring",
        GET=signed_in(FORBIDDEN, funder=OK_200, funder_admin=OK_200),
    ),
    # --- Pulse (psychological safety) -------------------------------------------------------
    # Everyone in an accepted party reads the pulse's results and answers it once a period;
    # each role is a different person who has not answered yet, so each answer is a first.
    web(
        "pulse:pulse",
        GET=party_only(OK_200),
        POST=party_only(
            done_redirect("pulse:pulse"),
            body=lambda w: {"speak_up": "4", "not_working_safe": "3", "heard": "5", "comment": ""},
        ),
    ),
    api(
        "api:pulse",
        GET=party_only(OK_200),
        POST=party_only(
            CREATED,
            body=lambda w: {"answers": {"speak_up": 4, "not_working_safe": 3, "heard": 5}},
        ),
    ),
    # Form friction: the plain-words check for API clients (reads only the text sent).
    api(
        "api:plain-words-check",
        POST=signed_in(OK_200, body=lambda w: {"text": "We will leverage what we learn."}),
    ),
    # --- Learning sessions (rhythm): pages and API ---------------------------------------
    web("rhythm:session-list", GET=party_only(OK_200)),
    web(
        "rhythm:session-create",
        GET=party_only(OK_200, only=_SESSION_MANAGERS),
        POST=party_only(
            done_redirect("rhythm:session-detail"), only=_SESSION_MANAGERS, body=_session_form
        ),
    ),
    web("rhythm:session-detail", GET=party_only(OK_200)),
    web(
        "rhythm:session-edit",
        GET=party_only(OK_200, only=_SESSION_MANAGERS),
        POST=party_only(
            done_redirect("rhythm:session-detail"), only=_SESSION_MANAGERS, body=_session_form
        ),
    ),
    web(
        "rhythm:session-cancel",
        GET=party_only(OK_200, only=_SESSION_MANAGERS),
        POST=party_only(
            done_redirect("rhythm:session-detail"), only=_SESSION_MANAGERS, body=lambda w: {}
        ),
    ),
    api(
        "api:partnership-sessions",
        GET=party_only(OK_200),
        POST=party_only(CREATED, only=_SESSION_MANAGERS, body=_session_json),
    ),
    api(
        "api:session-detail",
        GET=party_only(OK_200),
        PATCH=party_only(OK_200, only=_SESSION_MANAGERS, body=lambda w: {"title": "Renamed"}),
    ),
    api("api:session-cancel", POST=party_only(OK_200, only=_SESSION_MANAGERS, body=lambda w: {})),
    api("api:session-calendar", GET=party_only(OK_200)),
    # --- Notifications -------------------------------------------------------------------
    web("notifications:notification-list", GET=signed_in(OK_200)),
    web(
        "notifications:notification-mark-read",
        POST=signed_in(redirect("notifications:notification-list")),
    ),
    api("api:notification-list", GET=signed_in(OK_200)),
    api("api:notification-mark-read", POST=signed_in(OK_200)),
    # --- Grants data (360Giving): similar work -----------------------------------------------
    # Grants data is public: anyone signed in searches it. Only operators (nobody in the
    # world is staff) and funder admins import; an import is seen only by its uploader.
    web("grants:grant-search", GET=signed_in(OK_200)),
    web(
        "grants:import-create",
        GET=signed_in(FORBIDDEN, funder_admin=OK_200),
        POST=signed_in(
            FORBIDDEN, funder_admin=done_redirect("grants:import-detail"), body=_grants_csv
        ),
    ),
    web("grants:import-detail", GET=signed_in(NOT_FOUND, funder_admin=OK_200)),
    web("grants:similar-work", GET=party_only(OK_200)),
    api("api:grant-list", GET=signed_in(OK_200)),
    api(
        "api:grant-import-list",
        GET=signed_in(OK_200),
        POST=signed_in(FORBIDDEN, funder_admin=status(202), body=_grants_csv),
    ),
    api("api:grant-import-detail", GET=signed_in(NOT_FOUND, funder_admin=OK_200)),
    api("api:partnership-similar-grants", GET=party_only(OK_200)),
    # --- allauth: account pages --------------------------------------------------------------
    web("account_login", GET=signed_out(OK_200, signed_in_outcome=redirect("dashboard"))),
    web("account_signup", GET=signed_out(OK_200, signed_in_outcome=redirect("dashboard"))),
    web(
        "account_logout",
        GET=signed_in(OK_200, anonymous=redirect("home")),
        POST=public(redirect("home")),
    ),
    web("account_inactive", GET=public(OK_200)),
    web("account_email_verification_sent", GET=public(OK_200)),
    web("account_reset_password", GET=public(OK_200)),
    web("account_reset_password_done", GET=public(OK_200)),
    web("account_reset_password_from_key_done", GET=public(OK_200)),
    # A wrong key shows the "link no longer works" page to anyone.
    web("account_confirm_email", GET=public(OK_200)),
    web("account_reset_password_from_key", GET=public(OK_200)),
    # Only in the middle of signing in: otherwise back to sign in, or on to the dashboard.
    web(
        "account_confirm_login_code",
        GET=signed_out(redirect("account_login"), signed_in_outcome=redirect("dashboard")),
    ),
    web(
        "mfa_authenticate",
        GET=signed_out(redirect("account_login"), signed_in_outcome=redirect("dashboard")),
    ),
    web("account_reauthenticate", GET=signed_in(OK_200), POST=signed_in(OK_200)),
    # Confirming with an emailed code is not switched on: back to the password, or to asking.
    web(
        "account_request_reauthentication_code",
        GET=signed_in(redirect("account_reauthenticate")),
        POST=signed_in(redirect("account_reauthenticate")),
    ),
    web(
        "account_confirm_reauthentication_code",
        GET=signed_in(redirect("account_request_reauthentication_code")),
        POST=signed_in(redirect("account_request_reauthentication_code")),
    ),
    # A post with no action just shows the page again.
    web("account_email", GET=signed_in(OK_200), POST=signed_in(redirect("account_email"))),
    web("account_change_password", GET=signed_in(OK_200), POST=signed_in(OK_200)),
    # Everyone in the world has a password already, so "set" sends them to "change".
    web("account_set_password", GET=signed_in(redirect("account_change_password"))),
    # --- allauth: two-factor pages -------------------------------------------------------------
    web("mfa_index", GET=signed_in(OK_200)),
    web("mfa_reauthenticate", GET=signed_in(redirect("account_reauthenticate"))),
    # Setting up two-factor asks for the password again first.
    web(
        "mfa_activate_totp",
        GET=signed_in(redirect("account_reauthenticate")),
        POST=signed_in(redirect("account_reauthenticate")),
    ),
    web(
        "mfa_generate_recovery_codes",
        GET=signed_in(redirect("account_reauthenticate")),
        POST=signed_in(redirect("account_reauthenticate")),
    ),
    # Nobody in the world has two-factor set up: nothing to deactivate or show.
    web("mfa_deactivate_totp", GET=signed_in(NOT_FOUND), POST=signed_in(NOT_FOUND)),
    web("mfa_view_recovery_codes", GET=signed_in(NOT_FOUND)),
    web("mfa_download_recovery_codes", GET=signed_in(NOT_FOUND)),
    # --- allauth headless: app and browser clients ---------------------------------------------
    *headless("config", GET=public(OK_200)),
    # Signing out answers 401 ("no longer authenticated"), signed in or not.
    *headless("account:current_session", GET=signed_in(OK_200), DELETE=everyone(UNAUTHORISED)),
    # Flows that start signed out; an empty body is a 400, a flow not started a 409.
    *headless("account:login", POST=public(BAD_REQUEST)),
    *headless("account:signup", POST=public(BAD_REQUEST)),
    # LearnHub's own sign-up input, mounted in front of allauth's at the same paths.
    app("headless-app-signup", POST=public(BAD_REQUEST)),
    browser("headless-browser-signup", POST=public(BAD_REQUEST)),
    *headless("account:request_password_reset", POST=public(BAD_REQUEST)),
    *headless("account:reset_password", GET=public(BAD_REQUEST), POST=public(BAD_REQUEST)),
    *headless("account:verify_email", GET=public(BAD_REQUEST), POST=public(BAD_REQUEST)),
    *headless("account:confirm_login_code", POST=public(CONFLICT)),
    *headless("account:resend_email_verification_code", POST=public(CONFLICT)),
    *headless("account:verify_phone", POST=public(CONFLICT)),
    *headless("account:resend_phone_verification_code", POST=public(CONFLICT)),
    *headless("mfa:authenticate", POST=public(UNAUTHORISED)),
    # Account management: signed in only; an empty body is a 400.
    *headless("account:reauthenticate", POST=signed_in(BAD_REQUEST)),
    *headless("mfa:reauthenticate", POST=signed_in(BAD_REQUEST)),
    *headless("account:request_reauthentication_code", POST=signed_in(BAD_REQUEST)),
    # No code was asked for: nothing to confirm or send again.
    *headless("account:confirm_reauthentication_code", POST=signed_in(CONFLICT)),
    *headless("account:resend_reauthentication_code", POST=signed_in(CONFLICT)),
    *headless("account:change_password", POST=signed_in(BAD_REQUEST)),
    *headless(
        "account:manage_email",
        GET=signed_in(OK_200),
        # Adding an address while signed out belongs to the sign-up flow: 409 without one.
        POST=signed_in(BAD_REQUEST, anonymous=CONFLICT),
        PUT=signed_in(BAD_REQUEST),
        PATCH=signed_in(BAD_REQUEST),
        DELETE=signed_in(BAD_REQUEST),
    ),
    # LearnHub keeps no phone numbers: an empty list, and a 400 for an empty body.
    *headless(
        "account:manage_phone",
        GET=signed_in(OK_200),
        POST=signed_in(BAD_REQUEST, anonymous=CONFLICT),
    ),
    *headless("mfa:authenticators", GET=signed_in(OK_200)),
    *headless(
        "mfa:manage_totp",
        GET=signed_in(NOT_FOUND),
        POST=signed_in(BAD_REQUEST),
        DELETE=signed_in(OK_200),
    ),
    *headless("mfa:manage_recovery_codes", GET=signed_in(NOT_FOUND), POST=signed_in(BAD_REQUEST)),
    app("headless:app:tokens:refresh", POST=public(BAD_REQUEST)),
    # --- Django admin: operators only; nobody in the world is staff ----------------------------
    admin("admin:login", GET=public(OK_200)),
    admin("admin:logout", GET=public(redirect("admin:index"))),
    admin("admin:index", GET=staff_only()),
    admin("admin:app_list", GET=staff_only()),
    admin("admin:password_change", GET=staff_only(), POST=staff_only()),
    admin("admin:password_change_done", GET=staff_only()),
    admin("admin:autocomplete", GET=staff_only()),
    admin("admin:jsi18n", GET=staff_only()),
    admin("admin:view_on_site", GET=staff_only()),
    admin("admin/(?P<url>.*)$", path=lambda w: "/admin/no-such-page/", GET=staff_only()),
    group(
        Surface.ADMIN,
        "admin:*_changelist",
        why="every model admin's list is wrapped by AdminSite.admin_view",
        GET=staff_only(),
        POST=staff_only(),
    ),
    group(
        Surface.ADMIN,
        "admin:*_add",
        why="every model admin's add form is wrapped by AdminSite.admin_view",
        GET=staff_only(),
        POST=staff_only(),
    ),
    group(
        Surface.ADMIN,
        "admin:*_change",
        why="every model admin's change form (and the user password form) is wrapped by "
        "AdminSite.admin_view",
        GET=staff_only(),
        POST=staff_only(),
    ),
    group(
        Surface.ADMIN,
        "admin:*_delete",
        why="every model admin's delete page is wrapped by AdminSite.admin_view",
        GET=staff_only(),
        POST=staff_only(),
    ),
    group(
        Surface.ADMIN,
        "admin:*_history",
        why="every model admin's history page is wrapped by AdminSite.admin_view",
        GET=staff_only(),
    ),
    group(
        Surface.ADMIN,
        "admin/*/<path:object_id>/",
        why="the unnamed redirect from <object_id>/ to <object_id>/change/ of every model "
        "admin is wrapped by AdminSite.admin_view",
        GET=staff_only(),
    ),
]

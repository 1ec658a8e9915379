"""The matrix's table: for every URL name, the kind of URL it is, how to fill its arguments with
one's own and another agency's records, and the record rule that decides a member's answer.

A staff page's row names the permission its `@staff_view` declares; the expected answers are derived
from the view's own declaration (`staff_access`) and the grants, and a test holds the row and the view
together. A new URL without a row here fails the matrix; a row whose kind or permission does not
match the view's marks fails too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.utils import timezone

from childshield.accounts.permissions import Perm
from childshield.cases.models.cases import CaseStatus
from childshield.cases.permissions import CasePerm
from childshield.directory.permissions import DirectoryPerm
from childshield.exchanges.permissions import ExchangePerm
from childshield.hashing.permissions import HashPerm
from childshield.helpline.permissions import HelplinePerm
from childshield.hotline.permissions import HotlinePerm
from childshield.insights.permissions import InsightsPerm
from childshield.intake.permissions import IntakePerm
from childshield.learning.permissions import LearningPerm
from childshield.messaging.permissions import MessagingPerm
from childshield.operations.permissions import OperationsPerm
from childshield.places.permissions import PlacesPerm
from childshield.platforms.permissions import PlatformPerm
from tests.access_matrix import rules
from tests.access_matrix import targets as fill
from tests.access_matrix.rules import Rule
from tests.access_matrix.targets import PostData, Target
from tests.access_matrix.world import World


class Kind(StrEnum):
    PUBLIC = "public"  # @public_page, or a framework page anyone may open (health, schema, language)
    SIGN_IN_FLOW = "sign-in flow"  # signing in and out, password reset, two-factor: answers in the row
    SIGNED_IN = "signed in"  # @login_required: any signed-in person, acting for an agency or not
    STAFF = "staff"  # @staff_view(perm): the view's permission, then the row's record rule
    CASE = "case record"  # @staff_view() on a case: the case record rule decides
    API = "api"  # DRF with MayMatch: a platform's API key, or a member who may match
    PLATFORM_API = "platform api"  # DRF with a platform's API key alone (no session): the platforms' API
    ADMIN = "admin"  # Django's admin site: is_staff accounts only
    MAIL_WEBHOOK = "mail webhook"  # the mail providers' delivery webhooks: their shared secret only
    CHAT_WEBHOOK = "chat webhook"  # the chat providers' webhooks: the provider's signature or secret only


# How an answer is written: the status code, with a redirect told by where it goes.
SIGN_IN = "302 sign-in"
ADMIN_SIGN_IN = "302 admin sign-in"
REDIRECT = "302"
# A queue action refused to a helpline worker who sees the report: sent back to the queue with a
# message (what the queue does today), or a 403 or 404 (what a fix may choose); nothing is written.
QUEUE_REFUSAL = frozenset({REDIRECT, "403", "404"})


@dataclass(frozen=True)
class Row:
    kind: Kind
    # A staff page's permission, as its `@staff_view` declares it (a test holds the two together,
    # so that changing who may open a page shows here, in review).
    perm: StrEnum | None = None
    # How to fill the URL's arguments (None: it takes none).
    targets: Callable[[World], list[Target]] | None = None
    # The record rule for a member holding the view's permission.
    rule: Rule | None = None
    # A POST that asks more than reading (adding to a bank one may only read): its own rule.
    post_rule: Rule | None = None
    # The answers of a refusal by `rule` (REFUSED), when they are not a plain 403.
    refused: frozenset[str] = frozenset({"403"})
    # What a refused POST sends: what would change something were the refusal missing.
    post: PostData | None = None
    post_as_json: bool = False
    # Public and sign-in pages: the answer to a visitor and to a signed-in person.
    visitor: str = "200"
    signed_in: str = "200"
    # A public form without a CSRF cookie: a POST another site sent is refused (decision 0002).
    cross_site_refused: bool = False
    # Why a row departs from the general rule, where it does.
    reason: str = ""


def _connection_row(perm: ExchangePerm, **more: Any) -> Row:
    """A URL of one exchange connection: its own hotline's (scope ALL: every one)."""
    return Row(
        Kind.STAFF,
        perm,
        targets=fill.records("exchanges", "pk", "exchange connection"),
        rule=rules.owned_by_agency(perm, lambda connection: connection.agency_id),
        **more,
    )


def _member_row() -> Row:
    """A URL of one membership (the members page's actions): its agency's administrators', any with ALL."""
    return Row(
        Kind.STAFF,
        Perm.MEMBERS_MANAGE,
        targets=lambda world: [
            Target(
                "a member of the social office",
                {"membership_id": world.members["case worker"].pk},
                world.members["case worker"],
            ),
            Target(
                "a member of social office 2",
                {"membership_id": world.members["case worker (social 2)"].pk},
                world.members["case worker (social 2)"],
            ),
        ],
        rule=rules.owned_by_agency(Perm.MEMBERS_MANAGE, lambda member: member.agency_id),
    )


CASE_READ = rules.case_read
CASE_WRITE = rules.case_write

ROWS: dict[str, Row] = {
    # Framework and public pages ------------------------------------------------------------------
    "healthz": Row(
        Kind.PUBLIC, reason="for the load balancer: says only whether the database and broker answer"
    ),
    "api_schema": Row(
        Kind.PUBLIC, reason="the API's description, no data (drf-spectacular serves it to anyone)"
    ),
    "api_docs": Row(Kind.PUBLIC, reason="the API's description as an interactive page (Swagger UI), no data"),
    "set_language": Row(Kind.PUBLIC, visitor=REDIRECT, signed_in=REDIRECT, reason="Django's language switch"),
    "quick_exit": Row(
        Kind.PUBLIC,
        visitor=REDIRECT,
        signed_in=REDIRECT,
        reason="quick exit: to the neutral site, clearing this site from the browser's cache",
    ),
    "public:home": Row(Kind.PUBLIC),
    "intake:report": Row(Kind.PUBLIC, cross_site_refused=True),
    "intake:chat": Row(Kind.PUBLIC, cross_site_refused=True),
    # A poster's QR code: the report form at a short neutral address, posted back to it.
    "public:short_link": Row(
        Kind.PUBLIC,
        cross_site_refused=True,
        targets=lambda world: [
            Target("a poster's code", {"code": world.posters["the school's"].link.code}),
            Target("a code nobody registered", {"code": "nobody-registered"}),
        ],
    ),
    "intake:status": Row(Kind.PUBLIC, cross_site_refused=True),
    "intake:reply": Row(Kind.PUBLIC, cross_site_refused=True),
    "intake:thread_updates": Row(Kind.PUBLIC, cross_site_refused=True),
    "intake:block_image": Row(Kind.PUBLIC, cross_site_refused=True),
    "intake:help_index": Row(
        Kind.PUBLIC, visitor=REDIRECT, signed_in=REDIRECT, reason="moved for good (301) to the library"
    ),
    "intake:help_page": Row(
        Kind.PUBLIC,
        targets=lambda world: [
            Target("a help page, moved to the library", {"slug": world.help_slug}, answer=REDIRECT),
            Target("no such page", {"slug": "no-such-page"}, answer="404"),
        ],
    ),
    "library:index": Row(Kind.PUBLIC),
    "library:article": Row(
        Kind.PUBLIC,
        targets=lambda world: [
            Target("a published article", {"slug": world.help_slug}),
            Target("no such article", {"slug": "no-such-page"}, answer="404"),
        ],
    ),
    "cases:feedback_public": Row(
        Kind.PUBLIC,
        targets=lambda world: [
            Target("a child's survey link", {"token": world.feedback_token}),
            Target("an unknown link", {"token": "not-a-real-token"}, answer="404"),
        ],
        cross_site_refused=True,
    ),
    # Signing in and the account ------------------------------------------------------------------
    "accounts:sign_in": Row(Kind.SIGN_IN_FLOW, signed_in=REDIRECT, reason="someone signed in is sent on"),
    "accounts:sign_out": Row(Kind.SIGN_IN_FLOW, visitor="405", signed_in="405", reason="a POST only"),
    "accounts:password_reset": Row(Kind.SIGN_IN_FLOW),
    "accounts:password_reset_done": Row(Kind.SIGN_IN_FLOW),
    "accounts:password_reset_confirm": Row(
        Kind.SIGN_IN_FLOW,
        targets=fill.fixed("an invalid link", uidb64="MQ", token="not-a-token"),
        reason="an invalid link shows the page that says so",
    ),
    "accounts:password_reset_complete": Row(Kind.SIGN_IN_FLOW),
    "accounts:two_factor_verify": Row(
        Kind.SIGN_IN_FLOW,
        visitor=SIGN_IN,
        signed_in=REDIRECT,
        reason="someone without an authenticator is sent to set one up",
    ),
    "accounts:two_factor_setup": Row(Kind.SIGNED_IN),
    "accounts:home": Row(Kind.SIGNED_IN),
    "accounts:security": Row(Kind.SIGNED_IN),
    "accounts:languages": Row(Kind.SIGNED_IN, reason="a POST only: one's own languages"),
    "accounts:acting_for": Row(Kind.SIGNED_IN),
    "accounts:members": Row(Kind.STAFF, Perm.MEMBERS_MANAGE),
    "accounts:member_deactivate": _member_row(),
    "accounts:member_invite_again": _member_row(),
    "accounts:member_two_factor_reset": _member_row(),
    "accounts:members_import": Row(Kind.STAFF, Perm.MEMBERS_MANAGE),
    "accounts:members_import_template": Row(Kind.STAFF, Perm.MEMBERS_MANAGE),
    "accounts:recovery_codes": Row(Kind.SIGNED_IN, reason="one's own recovery codes"),
    "accounts:invitation_accept": Row(
        Kind.SIGN_IN_FLOW,
        targets=fill.fixed("an invalid link", uidb64="MQ", token="not-a-token"),
        reason="a link that no longer works shows the page that says so",
    ),
    "accounts:agencies": Row(Kind.STAFF, Perm.AGENCIES_VIEW),
    "audit:event_list": Row(Kind.STAFF, Perm.AUDIT_VIEW),
    "places:area_list": Row(Kind.STAFF, Perm.PLACES_VIEW),
    # Setting a country up (system administrators, every country): agencies and the areas they serve,
    # areas from a file (a preview, then "Apply"), helpline numbers. Reference data, no agency's own.
    "places:area_import": Row(Kind.STAFF, PlacesPerm.AREAS_IMPORT),
    "places:area_import_apply": Row(
        Kind.STAFF, PlacesPerm.AREAS_IMPORT, post=fill.const(token="not-a-token")
    ),
    "places:area_export": Row(Kind.STAFF, PlacesPerm.AREAS_IMPORT),
    "places:agency_new": Row(
        Kind.STAFF,
        PlacesPerm.AGENCIES_MANAGE,
        post=fill.const(name="Must not be made.", kind="ngo", country="VN", is_active="on"),
    ),
    "places:agency_edit": Row(
        Kind.STAFF,
        PlacesPerm.AGENCIES_MANAGE,
        targets=fill.agencies_to_set_up,
        rule=rules.shared(PlacesPerm.AGENCIES_MANAGE),
        post=fill.const(name="Must not be renamed.", kind="ngo", country="VN", is_active="on"),
    ),
    "places:helpline_list": Row(Kind.STAFF, PlacesPerm.HELPLINES_MANAGE),
    "places:helpline_new": Row(
        Kind.STAFF,
        PlacesPerm.HELPLINES_MANAGE,
        post=fill.const(country="VN", number="000", name_en="Must not be made.", channels="phone", order=0),
    ),
    "places:helpline_edit": Row(
        Kind.STAFF,
        PlacesPerm.HELPLINES_MANAGE,
        targets=fill.helpline_numbers,
        rule=rules.shared(PlacesPerm.HELPLINES_MANAGE),
        post=fill.const(
            country="VN", number="000", name_en="Must not be renamed.", channels="phone", order=0
        ),
    ),
    "places:helpline_move": Row(
        Kind.STAFF,
        PlacesPerm.HELPLINES_MANAGE,
        targets=fill.helpline_numbers,
        rule=rules.shared(PlacesPerm.HELPLINES_MANAGE),
        post=fill.const(direction="up"),
    ),
    # The awareness library's editorial pages: the country's library, the same for every agency.
    "learning:library_list": Row(Kind.STAFF, LearningPerm.LIBRARY_VIEW),
    "learning:article_new": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_WRITE,
        post=fill.const(
            slug="must-not-be-made", audience="children", kind="article", language="en", title="No", body="No"
        ),
    ),
    "learning:article_detail": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_VIEW,
        targets=fill.library_articles,
        rule=rules.shared(LearningPerm.LIBRARY_VIEW),
    ),
    "learning:draft_write": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_WRITE,
        targets=fill.library_drafts,
        rule=rules.shared(LearningPerm.LIBRARY_WRITE),
        post=fill.const(title="Must not be written", summary="", body="No"),
    ),
    "learning:app_guide_checked": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_REVIEW,
        targets=fill.library_app_guides,
        rule=rules.shared(LearningPerm.LIBRARY_REVIEW),
        post=fill.const(checked_on="2020-01-01"),
    ),
    "learning:version_send": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_WRITE,
        targets=fill.library_versions,
        rule=rules.shared(LearningPerm.LIBRARY_WRITE),
        post=fill.const(),
    ),
    "learning:version_review": Row(
        Kind.STAFF,
        LearningPerm.LIBRARY_REVIEW,
        targets=fill.library_versions,
        rule=rules.shared(LearningPerm.LIBRARY_REVIEW),
        post=fill.const(decision="publish"),
    ),
    # Reports -------------------------------------------------------------------------------------
    "intake:blocked_image_review": Row(Kind.STAFF, IntakePerm.BLOCKED_IMAGES_REVIEW),
    "intake:self_submitted_policy": Row(
        Kind.STAFF, IntakePerm.SELF_SUBMITTED_POLICY_SET, post=fill.const(share_at_once="yes")
    ),
    "intake:report_list": Row(Kind.STAFF, IntakePerm.REPORT_LIST),
    "intake:report_detail": Row(
        Kind.STAFF,
        IntakePerm.REPORT_VIEW,
        targets=fill.reports("VN waiting", "KH waiting"),
        rule=rules.report_of_the_country(IntakePerm.REPORT_VIEW),
        post=fill.const(body="A reply that must not be saved."),
    ),
    # The helpline --------------------------------------------------------------------------------
    "helpline:queue": Row(Kind.STAFF, HelplinePerm.QUEUE_VIEW),
    "helpline:queue_rows": Row(Kind.STAFF, HelplinePerm.QUEUE_VIEW),
    "helpline:queue_claim": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=lambda world: [
            *fill.reports("KH waiting")(world),
            *fill.claims(world),
        ],
        rule=rules.claim_rule,
        refused=QUEUE_REFUSAL,
    ),
    "helpline:queue_release": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claims,
        rule=rules.claim_act_rule,
        refused=QUEUE_REFUSAL,
        reason="issue 14 finding 4: only the holder's own helpline may release a held report",
    ),
    "helpline:queue_hand_over": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claims,
        rule=rules.claim_act_rule,
        refused=QUEUE_REFUSAL,
        post=lambda world, actor, target: {"to": fill.colleague_on_queue(world, actor)},
        reason="issue 14 finding 4: only the holder's own helpline may hand over a held report",
    ),
    "helpline:queue_reply": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claims,
        rule=lambda member, claim: rules.report_of_the_country(IntakePerm.REPORT_VIEW)(member, claim.report),
        post_rule=rules.claim_act_rule,
        refused=QUEUE_REFUSAL | {"400"},
        post=fill.const(body="A reply that must not be saved.", once=""),
        reason="anyone of the country's helplines reads the thread; only the holder (or a supervisor of "
        "the holder's helpline) answers it from the queue; a refused answer is shown on the form (400)",
    ),
    "helpline:queue_chat_close": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claims,
        rule=rules.claim_act_rule,
        refused=QUEUE_REFUSAL,
        reason="closing a chat is the holder's (or a supervisor of the holder's helpline), as answering it",
    ),
    "helpline:queue_picture_pass": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claimed_pictures,
        rule=rules.claim_act_rule,
        refused=QUEUE_REFUSAL,
        reason="passing a chat's picture to the hotline is the holder's (or a supervisor of the holder's "
        "helpline), as answering it",
    ),
    "helpline:queue_chat_block": Row(
        Kind.STAFF,
        MessagingPerm.SENDER_BLOCK,
        targets=fill.claims,
        rule=lambda member, claim: rules.report_of_the_country(IntakePerm.REPORT_VIEW)(member, claim.report),
        refused=QUEUE_REFUSAL,
        post=fill.const(reason="A block that must not be saved."),
        reason="a helpline supervisor blocks an abusive sender of any chat of the country's queue",
    ),
    "helpline:queue_reply_thread": Row(
        Kind.STAFF,
        HelplinePerm.QUEUE_CLAIM,
        targets=fill.claims,
        rule=lambda member, claim: rules.report_of_the_country(IntakePerm.REPORT_VIEW)(member, claim.report),
        reason="the reply page's live thread: whoever may read the thread on the reply page reads its new "
        "messages (204 when there are none)",
    ),
    "helpline:contact_new": Row(
        Kind.STAFF,
        HelplinePerm.CONTACT_LOG,
        targets=lambda world: [
            Target("a new contact", {}),
            *(
                Target(
                    f"a contact for report {key}",
                    {},
                    world.reports[key],
                    query=f"report={world.reports[key].reference}",
                )
                for key in ("VN waiting", "KH waiting")
            ),
        ],
        rule=rules.report_of_the_country(IntakePerm.REPORT_VIEW),
    ),
    "helpline:contact_quick": Row(
        Kind.STAFF, HelplinePerm.CONTACT_LOG, post=fill.const(channel="phone", kind="silent")
    ),
    "helpline:contact_draft": Row(
        Kind.STAFF, HelplinePerm.CONTACT_LOG, post=fill.const(summary="draft", draft_token="matrix")
    ),
    "helpline:contact_draft_discard": Row(Kind.STAFF, HelplinePerm.CONTACT_LOG),
    "helpline:contact_detail": Row(
        Kind.STAFF,
        HelplinePerm.CONTACT_VIEW,
        targets=fill.records("contacts", "pk", "contact"),
        rule=rules.contact_rule,
    ),
    "helpline:contact_caller_note": Row(
        Kind.STAFF,
        HelplinePerm.CONTACT_LOG,
        targets=fill.records("contacts", "pk", "contact"),
        rule=rules.contact_rule,
        post=fill.const(note="Must not be saved.", expires_on=str(timezone.localdate() + timedelta(days=30))),
    ),
    "helpline:contact_case_open": Row(
        Kind.STAFF,
        CasePerm.CASE_OPEN,
        targets=fill.records("contacts", "pk", "contact"),
        rule=rules.contact_rule,
    ),
    "helpline:contact_hotline": Row(
        Kind.STAFF,
        HelplinePerm.CONTACT_LOG,
        targets=fill.records("contacts", "pk", "contact"),
        rule=rules.contact_rule,
        post=fill.const(addresses="https://matrix.example/must-not-be-filed"),
    ),
    "helpline:caller_lookup": Row(
        Kind.STAFF, HelplinePerm.CONTACT_LOG, post=fill.const(caller="0900 000 001")
    ),
    "helpline:rules": Row(Kind.STAFF, HelplinePerm.RULES_MANAGE),
    "helpline:rule_new": Row(Kind.STAFF, HelplinePerm.RULES_MANAGE),
    "helpline:rule_edit": Row(
        Kind.STAFF,
        HelplinePerm.RULES_MANAGE,
        targets=lambda world: [Target("a triage rule", {"pk": world.rule.pk}, world.rule)],
        rule=rules.shared(HelplinePerm.RULES_MANAGE),
    ),
    "chat_channels:list": Row(Kind.STAFF, MessagingPerm.CHANNEL_MANAGE),
    "chat_channels:new": Row(Kind.STAFF, MessagingPerm.CHANNEL_MANAGE),
    "chat_channels:edit": Row(
        Kind.STAFF,
        MessagingPerm.CHANNEL_MANAGE,
        targets=fill.chat_channels_to_edit,
        rule=rules.shared(MessagingPerm.CHANNEL_MANAGE),
        post=fill.const(kind="telegram", name="A change that must not be saved", secret="x"),
    ),
    "chat_channels:unblock": Row(
        Kind.STAFF,
        MessagingPerm.SENDER_BLOCK,
        targets=fill.blocked_senders,
        rule=rules.shared(MessagingPerm.SENDER_BLOCK),
    ),
    "helpline:replies": Row(Kind.STAFF, HelplinePerm.RULES_MANAGE),
    "helpline:reply_template_new": Row(Kind.STAFF, HelplinePerm.RULES_MANAGE),
    "helpline:reply_template_edit": Row(
        Kind.STAFF,
        HelplinePerm.RULES_MANAGE,
        targets=lambda world: [
            Target("a saved reply", {"pk": world.reply_template.pk}, world.reply_template)
        ],
        rule=rules.shared(HelplinePerm.RULES_MANAGE),
    ),
    "helpline:supervisor": Row(Kind.STAFF, HelplinePerm.SUPERVISE),
    "helpline:figures": Row(Kind.STAFF, HelplinePerm.FIGURES_EXPORT),
    "helpline:figures_download": Row(
        Kind.STAFF, HelplinePerm.FIGURES_EXPORT, targets=fill.fixed("a year", period="2025")
    ),
    # Cases ---------------------------------------------------------------------------------------
    "cases:home": Row(Kind.STAFF, CasePerm.CASE_WORK),
    "cases:case_list": Row(Kind.STAFF, CasePerm.CASE_WORK),
    "cases:case_open": Row(Kind.STAFF, CasePerm.CASE_OPEN),
    "cases:break_glass": Row(Kind.STAFF, CasePerm.BREAK_GLASS),
    "cases:referral_inbox": Row(Kind.STAFF, CasePerm.REFERRAL_RESPOND),
    "cases:referral_detail": Row(
        Kind.STAFF,
        CasePerm.REFERRAL_RESPOND,
        targets=fill.records("referrals", "referral_id", "referral"),
        rule=rules.owned_by_agency(CasePerm.REFERRAL_RESPOND, lambda referral: referral.to_agency_id),
        post=fill.const(answer="decline", reason="Must not be recorded."),
    ),
    "cases:updates_read": Row(Kind.STAFF, CasePerm.CASE_WORK),
    "cases:link_requests": Row(Kind.STAFF, CasePerm.CASE_SUPERVISE),
    "cases:link_request": Row(
        Kind.STAFF,
        CasePerm.CASE_SUPERVISE,
        targets=fill.records("link_requests", "request_id", "link request"),
        rule=rules.link_request_rule,
        post=fill.const(answer="decline", reason="Must not be recorded."),
    ),
    "cases:closures_waiting": Row(Kind.STAFF, CasePerm.CASE_SUPERVISE),
    "cases:assessment_forms": Row(Kind.STAFF, CasePerm.FORMS_MANAGE),
    "cases:assessment_form_edit": Row(
        Kind.STAFF, CasePerm.FORMS_MANAGE, targets=fill.fixed("the safety form", kind="safety")
    ),
    "cases:assessment_form_version": Row(
        Kind.STAFF,
        CasePerm.FORMS_MANAGE,
        targets=fill.records("forms", "form_id", "form"),
        rule=rules.form_version_rule,
    ),
    "cases:case_detail": Row(Kind.CASE, targets=fill.cases(), rule=CASE_READ),
    "cases:case_summary": Row(Kind.CASE, targets=fill.cases(), rule=CASE_READ),
    "cases:attachment_download": Row(
        Kind.CASE,
        targets=fill.cases(attachment_id="attachments"),
        rule=rules.case_read_in_full,
        reason="attachments are never shared by a referral: a referred agency gets 404",
    ),
    "cases:case_edit": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {
            "version": target.record.version,
            "harm_types": ["grooming"],
            "summary": "Must not be saved.",
            "risk_level": "high",
        },
    ),
    "cases:status_change": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {
            "version": target.record.version,
            "to_status": CaseStatus.SAFETY_ASSESSMENT,
        },
    ),
    "cases:consent_add": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:consent_emergency": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:consent_confirm": Row(Kind.CASE, targets=fill.cases(consent_id="consents"), rule=CASE_WRITE),
    "cases:consent_withdraw": Row(
        Kind.CASE,
        targets=fill.cases(consent_id="consents"),
        rule=CASE_WRITE,
        post=fill.const(reason="Must not be saved."),
    ),
    "cases:referral_send": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:service_add": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {"kind": "mhpss", "provider": target.record.agency_id},
    ),
    "cases:service_update": Row(
        Kind.CASE,
        targets=fill.cases(service_id="services"),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {
            f"service-{target.kwargs['service_id']}-version": next(
                service.version
                for service in world.services.values()
                if service.pk == target.kwargs["service_id"]
            ),
            f"service-{target.kwargs['service_id']}-status": "done",
        },
    ),
    "cases:service_provider": Row(
        Kind.CASE,
        targets=fill.cases(service_id="services"),
        rule=CASE_WRITE,
        post=lambda world, actor, target: next(
            {
                f"provider-{service.pk}-version": service.version,
                # The case's own agency: named at once, no request to another agency.
                f"provider-{service.pk}-provider": service.case.agency_id,
                f"provider-{service.pk}-urgency": "routine",
            }
            for service in world.services.values()
            if service.pk == target.kwargs["service_id"]
        ),
    ),
    "cases:follow_up_add": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {
            "due_on": str(timezone.localdate() + timedelta(days=3)),
            "assignee": target.record.lead_worker_id,
        },
    ),
    "cases:follow_up_done": Row(
        Kind.CASE,
        targets=fill.cases(follow_up_id="follow_ups"),
        rule=CASE_WRITE,
        post=fill.const(outcome="Must not be saved."),
    ),
    "cases:note_add": Row(
        Kind.CASE, targets=fill.cases(), rule=CASE_WRITE, post=fill.const(body="Must not be saved.")
    ),
    "cases:attachment_add": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:assessment_record": Row(Kind.CASE, targets=fill.cases(kind="safety"), rule=CASE_WRITE),
    "cases:person_who_harmed_add": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=fill.const(
            **{"harmer-relationship": "stranger", "harmer-contact": "online", "harmer-age_group": "adult"}
        ),
    ),
    "cases:case_close": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:case_link_ask": Row(
        Kind.CASE, targets=fill.cases(), rule=CASE_WRITE, post=fill.const(**{"link-note": ""})
    ),
    "cases:feedback_invite": Row(
        Kind.CASE, targets=fill.cases(), rule=CASE_WRITE, post=fill.const(respondent="child")
    ),
    "cases:feedback_paper": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:closure_review": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=rules.case_closure_decide,
        reason="issue 16: the case's supervisor decides its closure; its lead worker never does",
    ),
    "cases:case_close_approve": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=rules.case_closure_decide,
        post=lambda world, actor, target: {
            "version": target.record.version,
            "warnings": "high_risk,open_follow_ups,services_pending",
            "acknowledge": "on",
        },
    ),
    "cases:closure_send_back": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=rules.case_closure_decide,
        post=lambda world, actor, target: {"version": target.record.version, "reason": "Must not be saved."},
    ),
    "cases:closure_sent_back_read": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    "cases:case_reopen": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=CASE_WRITE,
        post=lambda world, actor, target: {"version": target.record.version, "reason": "Must not be saved."},
    ),
    "cases:case_reassign": Row(
        Kind.CASE,
        targets=fill.cases(),
        rule=rules.case_supervise,
        post=lambda world, actor, target: {
            "reassign-version": target.record.version,
            "reassign-note": "Must not be saved.",
        },
        reason="issue 16: the case's supervisor hands it to another worker of the agency",
    ),
    "cases:handover_read": Row(Kind.CASE, targets=fill.cases(), rule=CASE_WRITE),
    # The hotline ---------------------------------------------------------------------------------
    "hotline:item_list": Row(Kind.STAFF, HotlinePerm.ITEM_VIEW),
    "hotline:items_add": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_REPORT,
        post=fill.const(urls="https://matrix.example/must-not-be-filed", source="analyst"),
    ),
    "hotline:item_detail": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_VIEW,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.ITEM_VIEW, lambda item: item.agency_id),
    ),
    "hotline:item_assess": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_ASSESS,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.ITEM_ASSESS, lambda item: item.agency_id),
        post=fill.const(classification="out_of_scope", notes="Must not be saved."),
    ),
    "hotline:assessment_confirm": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_CONFIRM,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.ITEM_CONFIRM, lambda item: item.agency_id),
    ),
    "hotline:evidence_add": Row(
        Kind.STAFF,
        HotlinePerm.EVIDENCE_ADD,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.EVIDENCE_ADD, lambda item: item.agency_id),
        post=fill.image("file"),
    ),
    "hotline:evidence_frame": Row(
        Kind.STAFF,
        HotlinePerm.EVIDENCE_VIEW,
        targets=fill.items("evidence", "evidence_id"),
        rule=rules.owned_by_agency(HotlinePerm.EVIDENCE_VIEW, lambda item: item.agency_id),
    ),
    "hotline:evidence_file": Row(
        Kind.STAFF,
        HotlinePerm.EVIDENCE_VIEW,
        targets=fill.items("evidence", "evidence_id"),
        rule=rules.owned_by_agency(HotlinePerm.EVIDENCE_VIEW, lambda item: item.agency_id),
    ),
    "hotline:received_images": Row(Kind.STAFF, HotlinePerm.EVIDENCE_VIEW),
    "hotline:received_image_file": Row(
        Kind.STAFF,
        HotlinePerm.EVIDENCE_VIEW,
        targets=fill.received_images,
        rule=rules.owned_by_agency(HotlinePerm.EVIDENCE_VIEW, lambda image: image.agency_id),
    ),
    "hotline:received_image_assess": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_ASSESS,
        targets=fill.received_images,
        rule=rules.owned_by_agency(HotlinePerm.ITEM_ASSESS, lambda image: image.agency_id),
        post=fill.const(classification="out_of_scope"),
    ),
    "hotline:item_trace": Row(
        Kind.STAFF,
        HotlinePerm.TRACE,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.TRACE, lambda item: item.agency_id),
    ),
    "hotline:item_notice": Row(
        Kind.STAFF,
        HotlinePerm.NOTICE_SEND,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.NOTICE_SEND, lambda item: item.agency_id),
    ),
    "hotline:item_request": Row(
        Kind.STAFF,
        HotlinePerm.NOTICE_SEND,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.NOTICE_SEND, lambda item: item.agency_id),
        post=fill.const(purpose="preservation", preserve_days="90"),
    ),
    "hotline:notice_bounced": Row(
        Kind.STAFF,
        HotlinePerm.NOTICE_SEND,
        targets=fill.items("notices", "notice_id"),
        rule=rules.owned_by_agency(HotlinePerm.NOTICE_SEND, lambda item: item.agency_id),
        post=fill.const(detail="Must not be saved."),
    ),
    "hotline:item_check": Row(
        Kind.STAFF,
        HotlinePerm.TRACE,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.TRACE, lambda item: item.agency_id),
    ),
    "hotline:item_close": Row(
        Kind.STAFF,
        HotlinePerm.ITEM_CLOSE,
        targets=fill.items(),
        rule=rules.owned_by_agency(HotlinePerm.ITEM_CLOSE, lambda item: item.agency_id),
        post=fill.const(reason="Must not be saved."),
    ),
    "hotline:welfare_break": Row(Kind.STAFF, HotlinePerm.EVIDENCE_VIEW),
    "hotline:figures": Row(Kind.STAFF, HotlinePerm.FIGURES_VIEW),
    "hotline:package_list": Row(Kind.STAFF, HotlinePerm.PACKAGE_RECEIVE),
    "hotline:package_download": Row(
        Kind.STAFF,
        HotlinePerm.PACKAGE_RECEIVE,
        targets=fill.records("packages", "package_id", "package"),
        rule=rules.package_rule,
    ),
    # The hotline's reference data (hosting providers, partner hotlines): the country's, no agency's;
    # its leads and the system administrators manage it.
    "hotline:provider_list": Row(Kind.STAFF, HotlinePerm.REFERENCE_MANAGE),
    "hotline:provider_add": Row(
        Kind.STAFF, HotlinePerm.REFERENCE_MANAGE, post=fill.const(name="Must not be made.", asns="AS64999")
    ),
    "hotline:provider_edit": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        targets=fill.hosting_providers,
        rule=rules.shared(HotlinePerm.REFERENCE_MANAGE),
        post=fill.const(name="Must not be renamed."),
    ),
    "hotline:provider_active": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        targets=fill.hosting_providers,
        rule=rules.shared(HotlinePerm.REFERENCE_MANAGE),
    ),
    "hotline:provider_delete": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        targets=fill.hosting_providers,
        rule=rules.shared(HotlinePerm.REFERENCE_MANAGE),
    ),
    "hotline:partner_list": Row(Kind.STAFF, HotlinePerm.REFERENCE_MANAGE),
    "hotline:partner_add": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        post=fill.const(name="Must not be made.", kind="police", country="VN", email="no@matrix.example"),
    ),
    "hotline:partner_edit": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        targets=fill.partner_hotlines,
        rule=rules.shared(HotlinePerm.REFERENCE_MANAGE),
        post=fill.const(name="Must not be renamed.", kind="police", country="VN", email="no@matrix.example"),
    ),
    "hotline:partner_active": Row(
        Kind.STAFF,
        HotlinePerm.REFERENCE_MANAGE,
        targets=fill.partner_hotlines,
        rule=rules.shared(HotlinePerm.REFERENCE_MANAGE),
    ),
    # The services directory ------------------------------------------------------------------------
    "directory:resource_list": Row(Kind.STAFF, DirectoryPerm.VIEW),
    "directory:resource_new": Row(Kind.STAFF, DirectoryPerm.EDIT),
    "directory:resource_detail": Row(
        Kind.STAFF,
        DirectoryPerm.VIEW,
        targets=fill.records("resources", "pk", "service"),
        rule=rules.shared(DirectoryPerm.VIEW),
    ),
    "directory:resource_edit": Row(
        Kind.STAFF,
        DirectoryPerm.EDIT,
        targets=fill.records("resources", "pk", "service"),
        rule=rules.directory_edit_rule,
        reason="every staff role reads every service, so another agency's is refused (403), not hidden",
    ),
    # Training (learning) ---------------------------------------------------------------------------
    "learning:training_session_list": Row(Kind.STAFF, LearningPerm.TRAINING_VIEW),
    "learning:training_session_new": Row(
        Kind.STAFF, LearningPerm.TRAINING_RECORD, post=fill.training_session_post
    ),
    "learning:training_trained": Row(Kind.STAFF, LearningPerm.TRAINING_VIEW),
    "learning:training_session_detail": Row(
        Kind.STAFF,
        LearningPerm.TRAINING_VIEW,
        targets=fill.records("training_sessions", "pk", "training session"),
        rule=rules.owned_by_agency(LearningPerm.TRAINING_VIEW, lambda session: session.agency_id),
    ),
    "learning:training_certificate": Row(
        Kind.STAFF,
        LearningPerm.TRAINING_VIEW,
        targets=fill.records("training_attendances", "pk", "attendee's certificate"),
        rule=rules.owned_by_agency(
            LearningPerm.TRAINING_VIEW, lambda attendance: attendance.session.agency_id
        ),
    ),
    # Posters (learning) ----------------------------------------------------------------------------
    "learning:poster_list": Row(Kind.STAFF, LearningPerm.POSTERS_MAKE),
    "learning:poster_new": Row(
        Kind.STAFF,
        LearningPerm.POSTERS_MAKE,
        post=fill.const(
            place_name="Must not be made.", kind="school", area_code="VN01", language="vi", paper="A4"
        ),
    ),
    "learning:poster_print": Row(
        Kind.STAFF,
        LearningPerm.POSTERS_MAKE,
        targets=fill.records("posters", "pk", "poster"),
        rule=rules.owned_by_agency(LearningPerm.POSTERS_MAKE, lambda poster: poster.agency_id),
    ),
    # Figures ---------------------------------------------------------------------------------------
    "insights:indicators": Row(Kind.STAFF, InsightsPerm.INDICATORS_VIEW),
    "insights:indicators_download": Row(
        Kind.STAFF, InsightsPerm.INDICATORS_VIEW, targets=fill.fixed("a spreadsheet", as_format="xlsx")
    ),
    "insights:open_data": Row(Kind.STAFF, InsightsPerm.INDICATORS_VIEW),
    "insights:open_data_download": Row(
        Kind.STAFF,
        InsightsPerm.INDICATORS_VIEW,
        targets=fill.fixed("a finished quarter", quarter="2025-Q1", as_format="csv"),
    ),
    "insights:annual_report": Row(
        Kind.STAFF, InsightsPerm.INDICATORS_VIEW, targets=fill.fixed("a finished year", year=2025)
    ),
    "insights:feedback": Row(Kind.STAFF, InsightsPerm.FEEDBACK_VIEW),
    "insights:agency": Row(Kind.STAFF, InsightsPerm.AGENCY_FIGURES_VIEW),
    "insights:agency_download": Row(Kind.STAFF, InsightsPerm.AGENCY_FIGURES_VIEW),
    "insights:helpline_figures": Row(Kind.STAFF, InsightsPerm.HELPLINE_FIGURES_VIEW),
    "insights:helpline_figures_download": Row(
        Kind.STAFF, InsightsPerm.HELPLINE_FIGURES_VIEW, targets=fill.fixed("a year", period="2025")
    ),
    # Hash banks ------------------------------------------------------------------------------------
    "hashing:bank_list": Row(Kind.STAFF, HashPerm.BANKS_VIEW),
    "hashing:bank_detail": Row(
        Kind.STAFF,
        HashPerm.BANKS_VIEW,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
        post_rule=rules.bank_add_rule,
        refused=frozenset({"200"}),
        post=fill.const(**{"add-algorithm": "md5", "add-value": "cd" * 16}),
        reason="a member who may read a bank but not add to it gets the page again, the hash not added",
    ),
    "hashing:bank_toggle": Row(
        Kind.STAFF,
        HashPerm.BANKS_CONFIGURE,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    "hashing:bank_sharing": Row(
        Kind.STAFF,
        HashPerm.BANKS_CONFIGURE,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    "hashing:bank_import": Row(
        Kind.STAFF,
        HashPerm.BANKS_MANAGE,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    "hashing:bank_export": Row(
        Kind.STAFF,
        HashPerm.BANKS_MANAGE,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    "hashing:bank_video_add": Row(
        Kind.STAFF,
        HashPerm.BANKS_MANAGE,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    "hashing:entry_remove": Row(
        Kind.STAFF,
        HashPerm.BANKS_MANAGE,
        targets=fill.records("entries", "entry_id", "hash"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda entry: entry.bank.owner_id),
        post=fill.const(**{"remove-reason": "Must not be removed."}),
    ),
    "hashing:import_list": Row(Kind.STAFF, HashPerm.BANKS_VIEW),
    "hashing:import_detail": Row(
        Kind.STAFF,
        HashPerm.BANKS_VIEW,
        targets=fill.records("imports", "import_id", "import"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda record: record.bank.owner_id),
    ),
    "hashing:match_list": Row(Kind.STAFF, HashPerm.MATCHES_VIEW),
    "hashing:match_check": Row(Kind.STAFF, HashPerm.MATCH, post=fill.const(algorithm="md5", value="ab" * 16)),
    "hashing:api_key_list": Row(
        Kind.STAFF, HashPerm.API_KEYS_MANAGE, post=fill.const(name="Must not be issued.")
    ),
    "hashing:api_key_revoke": Row(
        Kind.STAFF,
        HashPerm.API_KEYS_MANAGE,
        targets=fill.records("api_keys", "key_id", "API key"),
        rule=rules.owned_by_agency(HashPerm.API_KEYS_MANAGE, lambda key: key.agency_id),
    ),
    "hashing:api_key_rotate": Row(
        Kind.STAFF,
        HashPerm.API_KEYS_MANAGE,
        targets=fill.records("api_keys", "key_id", "API key"),
        rule=rules.owned_by_agency(HashPerm.API_KEYS_MANAGE, lambda key: key.agency_id),
        post=fill.const(overlap_hours=0),
    ),
    # Connections to hash exchanges: their hotline's leads (system administrators see and run every one,
    # and set none up).
    "exchanges:connection_list": Row(Kind.STAFF, ExchangePerm.VIEW),
    "exchanges:connection_add": Row(
        Kind.STAFF, ExchangePerm.MANAGE, post=fill.const(name="Must not be made.")
    ),
    "exchanges:connection_edit": _connection_row(
        ExchangePerm.MANAGE, post=fill.const(name="Must not be renamed.")
    ),
    "exchanges:connection_run": _connection_row(ExchangePerm.RUN),
    "exchanges:connection_toggle": _connection_row(ExchangePerm.RUN),
    "platforms:bank_feedback": Row(
        Kind.STAFF,
        HashPerm.BANKS_VIEW,
        targets=fill.records("banks", "bank_id", "bank"),
        rule=rules.owned_by_agency(HashPerm.BANKS_VIEW, lambda bank: bank.owner_id),
    ),
    # Platforms onboarded (the hotline's leads, system administrators); a platform's keys, sandbox key
    # and test notice (those, and its own staff for their platform; another's: 404); its dashboard
    # (its own staff; the regulator, every platform, chosen by ?platform=).
    "platforms:platform_list": Row(
        Kind.STAFF, PlatformPerm.ONBOARD, post=fill.const(name="Must not be made.", country="VN")
    ),
    "platforms:dashboard": Row(Kind.STAFF, PlatformPerm.DASHBOARD_VIEW),
    "platforms:keys": Row(
        Kind.STAFF,
        PlatformPerm.CREDENTIALS_MANAGE,
        targets=fill.platforms,
        rule=rules.owned_by_agency(PlatformPerm.CREDENTIALS_MANAGE, lambda platform: platform.pk),
        post=fill.const(name="Must not be issued.", scopes="match"),
    ),
    "platforms:key_sandbox": Row(
        Kind.STAFF,
        PlatformPerm.CREDENTIALS_MANAGE,
        targets=fill.platforms,
        rule=rules.owned_by_agency(PlatformPerm.CREDENTIALS_MANAGE, lambda platform: platform.pk),
    ),
    "platforms:webhook_test": Row(
        Kind.STAFF,
        PlatformPerm.CREDENTIALS_MANAGE,
        targets=fill.platforms,
        rule=rules.owned_by_agency(PlatformPerm.CREDENTIALS_MANAGE, lambda platform: platform.pk),
    ),
    "platforms:key_rotate": Row(
        Kind.STAFF,
        PlatformPerm.CREDENTIALS_MANAGE,
        targets=fill.platform_keys,
        rule=rules.owned_by_agency(PlatformPerm.CREDENTIALS_MANAGE, lambda key: key.agency_id),
        post=fill.const(overlap_hours=0),
    ),
    "platforms:key_revoke": Row(
        Kind.STAFF,
        PlatformPerm.CREDENTIALS_MANAGE,
        targets=fill.platform_keys,
        rule=rules.owned_by_agency(PlatformPerm.CREDENTIALS_MANAGE, lambda key: key.agency_id),
    ),
    # Platforms' reports in full: the analysts and leads of the hotline each was filed with (another
    # hotline's: 404); platforms' own staff never (403: they read theirs on the dashboard).
    "platforms:report_list": Row(Kind.STAFF, PlatformPerm.REPORT_VIEW),
    "platforms:report_detail": Row(
        Kind.STAFF,
        PlatformPerm.REPORT_VIEW,
        targets=fill.hotline_platform_reports,
        rule=rules.owned_by_agency(PlatformPerm.REPORT_VIEW, lambda report: report.hotline_id),
    ),
    # A platform's record: its own staff, the regulator and the hotline's leads.
    "platform_record:record": Row(Kind.STAFF, PlatformPerm.RECORD_VIEW),
    "platform_record:download": Row(Kind.STAFF, PlatformPerm.RECORD_VIEW),
    # Data-subject requests: system administrators only, every request (scope ALL).
    "operations:subject_request_list": Row(Kind.STAFF, OperationsPerm.SUBJECT_REQUESTS),
    "operations:subject_request_add": Row(
        Kind.STAFF,
        OperationsPerm.SUBJECT_REQUESTS,
        post=fill.const(kind="access", requester_name="Must not."),
    ),
    **{
        f"operations:subject_request_{name}": Row(
            Kind.STAFF,
            OperationsPerm.SUBJECT_REQUESTS,
            targets=fill.records("subject_requests", "pk", "data-subject request"),
            post=fill.const(note="Must not be answered.", reason="other"),
        )
        for name in ("detail", "identity", "find", "export", "export_json", "answer", "refuse", "erase")
    },
    # The match API ---------------------------------------------------------------------------------
    "api_match_hashes": Row(
        Kind.API, post=fill.const(hashes=[{"algorithm": "md5", "value": "ab" * 16}]), post_as_json=True
    ),
    "api_match_image": Row(Kind.API, post=fill.image("image")),
    "api_match_video": Row(Kind.API),
    "api_match_vpdq": Row(
        Kind.API,
        post=fill.const(
            videos=[{"frames": [{"frame_number": 0, "quality": 100, "hash": "ab" * 32, "timestamp": 0}]}]
        ),
        post_as_json=True,
    ),
    "api_banks": Row(Kind.API),
    # The platforms' API: a platform's key only; a report is its platform's alone (another's: 404).
    "api_reports": Row(Kind.PLATFORM_API),
    "api_report": Row(Kind.PLATFORM_API, targets=fill.platform_reports),
    "api_webhooks": Row(Kind.PLATFORM_API),
    "api_notices": Row(Kind.PLATFORM_API),
    # Hash-list sync: a bank shared with platforms (read), one that is not (404); feedback is a POST only.
    "api_bank_signals": Row(Kind.PLATFORM_API, targets=fill.platform_banks),
    "api_bank_signal_feedback": Row(Kind.PLATFORM_API, targets=fill.fixed("a bank", bank_id=1)),
    "api_notice": Row(Kind.PLATFORM_API, targets=fill.notices_to_another),
    "api_notice_acknowledge": Row(Kind.PLATFORM_API, targets=fill.notices_to_another),
    "api_notice_removal": Row(Kind.PLATFORM_API, targets=fill.notices_to_another),
    "api_notice_preservation": Row(Kind.PLATFORM_API, targets=fill.notices_to_another),
    "api_notice_file": Row(Kind.PLATFORM_API, targets=fill.notices_to_another),
    # DELETE only (the matrix asks GET and POST: 405 to a key, 401 to anyone else).
    "api_webhook": Row(Kind.PLATFORM_API, targets=fill.fixed("a webhook", webhook_id=1)),
    # Django's admin site: only is_staff accounts (system administrators) get past its sign-in.
    "admin:login": Row(Kind.ADMIN, reason="the admin's own sign-in page"),
    "admin:logout": Row(Kind.ADMIN, reason="a POST for the admin's staff; anyone else is sent to its index"),
    "admin:*": Row(Kind.ADMIN, reason="every other admin page: the admin's own is_staff check"),
    # The mail providers' webhooks: a POST with the shared secret (basic auth); a session opens nothing.
    "anymail:*": Row(Kind.MAIL_WEBHOOK),
    # The chat providers' webhooks: a call signed by the provider (or carrying its secret); a session
    # opens nothing.
    "messaging:webhook": Row(Kind.CHAT_WEBHOOK, targets=fill.chat_channels),
}

# Rows named by a namespace ("admin:*") cover every URL of that namespace without a row of its own:
# those apps (Django's admin, anymail) decide access in one place for all their URLs.
WILDCARD_NAMESPACES = {"admin", "anymail"}


def row_for(name: str) -> Row | None:
    if name in ROWS:
        return ROWS[name]
    namespace = name.split(":", 1)[0] if ":" in name else ""
    return ROWS.get(f"{namespace}:*") if namespace in WILDCARD_NAMESPACES else None

"""What each role is for, in words shown to the person holding it."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Role

ROLE_DESCRIPTIONS: dict[Role, str | Promise] = {
    Role.COUNSELLOR: _(
        "You answer children and caregivers who call, chat or write to the helpline, and refer them to help."
    ),
    Role.HELPLINE_SUPERVISOR: _(
        "You watch the helpline queue and waiting times, support counsellors, and handle urgent contacts."
    ),
    Role.CASE_WORKER: _(
        "You manage survivors' cases: safety, assessment, a service plan, and referrals to other agencies."
    ),
    Role.CASE_SUPERVISOR: _(
        "You supervise case workers, confirm emergency decisions and review cases before they close."
    ),
    Role.FOCAL_POINT: _(
        "You are a teacher or a community focal point: "
        "you report concerns about a child and follow referrals."
    ),
    Role.HOTLINE_ANALYST: _(
        "You assess reported web addresses and images, trace where they are hosted and send removal notices."
    ),
    Role.HOTLINE_LEAD: _(
        "You confirm analysts' assessments, escalate to police and partner hotlines, and watch removal times."
    ),
    Role.PROGRAMME_MANAGER: _(
        "You follow the programme's figures by place, age, gender and harm, "
        "without seeing any child's identity."
    ),
    Role.PLATFORM_STAFF: _(
        "You work for a platform: you follow the notices the hotline sends it, its reports, "
        "and how fast it acts."
    ),
    Role.REGULATOR: _("You read every platform's record of how it acts on notices. You change nothing."),
    Role.AGENCY_ADMIN: _("You manage who works in your agency and which role each person has."),
    Role.SYSTEM_ADMIN: _("You manage agencies, places and reference data for the whole system."),
}

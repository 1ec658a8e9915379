from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "childshield.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, register
        from childshield.accounts.permissions import may
        from childshield.cases.permissions import CasePerm

        def works(membership: Membership | None) -> bool:
            return may(membership, CasePerm.CASE_WORK)

        def responds(membership: Membership | None) -> bool:
            return may(membership, CasePerm.REFERRAL_RESPOND)

        def breaks_glass_only(membership: Membership | None) -> bool:
            return may(membership, CasePerm.BREAK_GLASS) and not works(membership)

        register(NavItem("cases:home", _("My cases"), works, order=200))
        register(NavItem("cases:case_list", _("Case list"), works, order=210))
        register(NavItem("cases:referral_inbox", _("Referrals received"), responds, order=220))
        def manages_forms(membership: Membership | None) -> bool:
            return may(membership, CasePerm.FORMS_MANAGE)

        register(NavItem("cases:assessment_forms", _("Assessment forms"), manages_forms, order=230))
        register(NavItem("cases:break_glass", _("Emergency access to a case"), breaks_glass_only, order=890))

        from childshield.accounts import related
        from childshield.cases import links

        related.register("intake.Report", links.cases_of_report)

        from childshield.cases.services import attachments_rotate
        from childshield.core.crypto import register_rotation

        # Attachments are encrypted files, outside the encrypted columns rotate_keys walks.
        register_rotation("cases.Attachment files", attachments_rotate)

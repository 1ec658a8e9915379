"""The cases app: its navigation, its links from reports, the rotation of attachments' keys, and the
shipped assessment forms, installed after every migrate."""

from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db import router
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _assessment_forms_install(
    sender: AppConfig, *, using: str, apps: Apps | None = None, **kwargs: Any
) -> None:
    """After `migrate` (and a test database's flush): the shipped assessment forms, installed once."""
    from childshield.cases.models import AssessmentForm
    from childshield.cases.services.assessments import assessment_forms_default_install

    # `migrate` says which state it left the models in (a flush sends none: the schema is current).
    # Migrated back to before forms were data, there is no table to install them into.
    if apps is not None:
        try:
            apps.get_model("cases", "AssessmentForm")
        except LookupError:
            return
    if using != router.db_for_write(AssessmentForm):
        return
    assessment_forms_default_install()


class CasesConfig(AppConfig):
    name = "childshield.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.accounts.permissions import may
        from childshield.cases.permissions import CasePerm

        def breaks_glass_only(membership: Membership | None) -> bool:
            return may(membership, CasePerm.BREAK_GLASS) and not may(membership, CasePerm.CASE_WORK)

        works = holds(CasePerm.CASE_WORK)
        register(NavItem("cases:home", _("My cases"), works, order=200))
        register(NavItem("cases:case_list", _("Case list"), works, order=210))
        register(
            NavItem(
                "cases:referral_inbox", _("Referrals received"), holds(CasePerm.REFERRAL_RESPOND), order=220
            )
        )
        register(
            NavItem("cases:assessment_forms", _("Assessment forms"), holds(CasePerm.FORMS_MANAGE), order=230)
        )
        register(NavItem("cases:break_glass", _("Emergency access to a case"), breaks_glass_only, order=890))

        from childshield.accounts import related
        from childshield.cases import links

        related.register("intake.Report", links.cases_of_report)

        from childshield.cases.services.attachments import attachments_rotate
        from childshield.core.crypto import register_rotation

        # Attachments are encrypted files, outside the encrypted columns rotate_keys walks.
        register_rotation("cases.Attachment files", attachments_rotate)

        post_migrate.connect(_assessment_forms_install, sender=self)

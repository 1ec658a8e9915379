from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelplineConfig(AppConfig):
    name = "childshield.helpline"
    label = "helpline"
    verbose_name = "Helpline"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.helpline.permissions import HelplinePerm
        from childshield.helpline.related import register_related_links
        from childshield.helpline.services.queue import claim_respected, report_claimed
        from childshield.helpline.services.triage import report_triage
        from childshield.intake.hooks import on_report_held, on_report_saved, on_staff_reply

        register(NavItem("helpline:queue", _("Queue"), holds(HelplinePerm.QUEUE_VIEW), order=90))
        register(NavItem("helpline:supervisor", _("Supervision"), holds(HelplinePerm.SUPERVISE), order=91))
        register(
            NavItem("helpline:contact_new", _("Log a contact"), holds(HelplinePerm.CONTACT_LOG), order=95)
        )
        register(
            NavItem("helpline:figures", _("CHI submission"), holds(HelplinePerm.FIGURES_EXPORT), order=96)
        )
        register(NavItem("helpline:rules", _("Triage rules"), holds(HelplinePerm.RULES_MANAGE), order=97))
        register(NavItem("helpline:replies", _("Saved replies"), holds(HelplinePerm.RULES_MANAGE), order=98))

        register_related_links()
        # A report's words are triaged inside the transaction that saves it (intake cannot import us).
        on_report_saved(report_triage)
        # A held report is answered by its holder (or their supervisors), from any page.
        on_staff_reply(claim_respected)
        # A claimed report is a live chat: the reporter's page asks for new messages every few seconds.
        on_report_held(report_claimed)

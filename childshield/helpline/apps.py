from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelplineConfig(AppConfig):
    name = "childshield.helpline"
    label = "helpline"
    verbose_name = "Helpline"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, register
        from childshield.accounts.permissions import may
        from childshield.helpline.permissions import HelplinePerm

        def sees_queue(membership: Membership | None) -> bool:
            return may(membership, HelplinePerm.QUEUE_VIEW)

        def logs_contacts(membership: Membership | None) -> bool:
            return may(membership, HelplinePerm.CONTACT_LOG)

        register(NavItem("helpline:queue", _("Queue"), sees_queue, order=90))

        def exports_figures(membership: Membership | None) -> bool:
            return may(membership, HelplinePerm.FIGURES_EXPORT)

        register(NavItem("helpline:contact_new", _("Log a contact"), logs_contacts, order=95))
        register(NavItem("helpline:figures", _("Export"), exports_figures, order=96))

        from childshield.helpline.supervision import may_supervise

        register(NavItem("helpline:supervisor", _("Supervision"), may_supervise, order=91))

        def manages_rules(membership: Membership | None) -> bool:
            return may(membership, HelplinePerm.RULES_MANAGE)

        register(NavItem("helpline:rules", _("Triage rules"), manages_rules, order=97))
        register(NavItem("helpline:replies", _("Saved replies"), manages_rules, order=98))

        from childshield.helpline.related import register_related_links

        register_related_links()

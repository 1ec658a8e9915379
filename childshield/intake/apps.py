from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "childshield.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.accounts.permissions import Scope, perm_scope
        from childshield.intake import picture_news
        from childshield.intake.permissions import IntakePerm
        from childshield.outbox import handlers

        def lists_every_country(membership: Membership | None) -> bool:
            # Helpline staff work from the helpline's Queue, which supersedes this plain list; the
            # list stays for anyone granted every country's reports.
            return perm_scope(membership, IntakePerm.REPORT_LIST) == Scope.ALL

        register(NavItem("intake:report_list", _("Reports"), lists_every_country, order=100))
        register(
            NavItem(
                "intake:blocked_image_review",
                _("Pictures to block"),
                holds(IntakePerm.BLOCKED_IMAGES_REVIEW),
                order=505,
            )
        )
        # A child's picture an app has just blocked: the news written in their thread by a worker.
        handlers.register(picture_news.PICTURE_BLOCKED_NEWS, picture_news.picture_blocked_news)

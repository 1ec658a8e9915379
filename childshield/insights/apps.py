from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "childshield.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from childshield.accounts.models import Membership
        from childshield.accounts.navigation import NavItem, register
        from childshield.accounts.permissions import may
        from childshield.insights.permissions import InsightsPerm

        def sees_feedback(membership: Membership | None) -> bool:
            return may(membership, InsightsPerm.FEEDBACK_VIEW)

        register(NavItem("insights:feedback", _("Children's feedback"), sees_feedback, order=700))

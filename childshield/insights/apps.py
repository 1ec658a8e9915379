from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "childshield.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.insights.permissions import InsightsPerm

        register(
            NavItem("insights:indicators", _("Indicators"), holds(InsightsPerm.INDICATORS_VIEW), order=690)
        )
        register(
            NavItem(
                "insights:feedback", _("Children's feedback"), holds(InsightsPerm.FEEDBACK_VIEW), order=700
            )
        )
        register(
            NavItem(
                "insights:agency",
                _("Agency figures"),
                holds(InsightsPerm.AGENCY_FIGURES_VIEW),
                order=705,
            )
        )
        register(
            NavItem(
                "insights:helpline_figures",
                _("Helpline figures"),
                holds(InsightsPerm.HELPLINE_FIGURES_VIEW),
                order=710,
            )
        )

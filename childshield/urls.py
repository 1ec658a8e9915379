"""URL map: health and API unprefixed; every page under a language prefix (/vi/, /km/, /en/)."""

from anymail.urls import urlpatterns as anymail_urlpatterns
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from childshield.accounts import views as account_views
from childshield.core import views as core_views
from childshield.intake import views as intake_views

# The audit log page belongs to accounts, which checks who may see what; audit itself imports no app.
audit_patterns = ([path("", account_views.audit_log, name="event_list")], "audit")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Quick exit, one address for every language: one hop to the neutral site, no language redirect.
    path("leave/", intake_views.quick_exit, name="quick_exit"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The same description as an interactive page (Swagger UI from our own static files; its
    # script served apart, so the page keeps the site's Content-Security-Policy).
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api_docs.html", title="childshield API"
        ),
        name="api_docs",
    ),
    path("api/v1/", include("childshield.hashing.api_urls")),
    path("api/v1/", include("childshield.platforms.api_urls")),
    path("messaging/hooks/", include("childshield.messaging.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# The mail provider's delivery webhook (bounces of hotline notices), once its secret is configured:
# that provider's only, since anymail's other providers' views answer 500 when not configured.
_mail_webhooks = [
    pattern
    for pattern in anymail_urlpatterns
    if pattern.name == f"{settings.MAIL_WEBHOOK_PROVIDER}_tracking_webhook"
]
if _mail_webhooks and any("WEBHOOK" in name for name in settings.ANYMAIL):
    urlpatterns.append(path("mail/", include((_mail_webhooks, "anymail"))))

urlpatterns += i18n_patterns(
    path("", include("childshield.intake.public_urls")),
    path("", include("childshield.learning.public_urls")),
    path("", include("childshield.intake.urls")),
    path("cases/", include("childshield.cases.urls")),
    path("helpline/channels/", include("childshield.messaging.staff_urls")),
    path("helpline/", include("childshield.helpline.urls")),
    path("hotline/", include("childshield.hotline.urls")),
    path("services/", include("childshield.directory.urls")),
    path("insights/", include("childshield.insights.urls")),
    path("hashing/", include("childshield.hashing.urls")),
    path("exchanges/", include("childshield.exchanges.urls")),
    path("platforms/record/", include("childshield.platforms.record_urls")),
    path("platforms/", include("childshield.platforms.urls")),
    path("account/", include("childshield.accounts.urls")),
    path("audit/", include(audit_patterns)),
    path("places/", include("childshield.places.urls")),
    path("operations/", include("childshield.operations.urls")),
    path("learning/", include("childshield.learning.urls")),
    path("admin/", admin.site.urls),
)

# No route under /api/, or a server error there: a problem (JSON), not a page.
handler404 = "childshield.core.views.page_not_found"
handler500 = "childshield.core.views.server_error"

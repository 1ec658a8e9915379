"""The platforms' API, under /api/v1/."""

from django.urls import URLPattern, URLResolver, include, path

from childshield.platforms import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", api.ReportListApi.as_view(), name="api_reports"),
    path("reports/<int:report_id>/", api.ReportDetailApi.as_view(), name="api_report"),
    path("webhooks/", api.WebhookListApi.as_view(), name="api_webhooks"),
    path("webhooks/<int:webhook_id>/", api.WebhookDetailApi.as_view(), name="api_webhook"),
    path("", include("childshield.platforms.sync_urls")),
]

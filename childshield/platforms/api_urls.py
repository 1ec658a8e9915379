"""The platforms' API, under /api/v1/."""

from django.urls import URLPattern, URLResolver, include, path

from childshield.platforms import api, notices_api, requests_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", api.ReportListApi.as_view(), name="api_reports"),
    path("reports/<int:report_id>/", api.ReportDetailApi.as_view(), name="api_report"),
    path("webhooks/", api.WebhookListApi.as_view(), name="api_webhooks"),
    path("webhooks/<int:webhook_id>/", api.WebhookDetailApi.as_view(), name="api_webhook"),
    path("notices/", notices_api.NoticeListApi.as_view(), name="api_notices"),
    path("notices/<int:notice_id>/", notices_api.NoticeDetailApi.as_view(), name="api_notice"),
    path(
        "notices/<int:notice_id>/acknowledge/",
        notices_api.NoticeAcknowledgeApi.as_view(),
        name="api_notice_acknowledge",
    ),
    path(
        "notices/<int:notice_id>/removal/", notices_api.NoticeRemovalApi.as_view(), name="api_notice_removal"
    ),
    path(
        "notices/<int:notice_id>/preservation/",
        requests_api.NoticePreservationApi.as_view(),
        name="api_notice_preservation",
    ),
    path("notices/<int:notice_id>/file/", requests_api.NoticeFileApi.as_view(), name="api_notice_file"),
    path("", include("childshield.platforms.sync_urls")),
]

"""URLs of the platforms' staff pages, under /<language>/platforms/."""

from django.urls import path

from childshield.platforms import views

app_name = "platforms"

urlpatterns = [
    path("", views.platform_list, name="platform_list"),
    path("dashboard/", views.platform_dashboard, name="dashboard"),
    path("<int:platform_id>/keys/", views.keys, name="keys"),
    path("<int:platform_id>/keys/sandbox/", views.key_sandbox, name="key_sandbox"),
    path("<int:platform_id>/webhooks/test/", views.webhook_test, name="webhook_test"),
    path("keys/<int:key_id>/rotate/", views.key_rotate, name="key_rotate"),
    path("keys/<int:key_id>/revoke/", views.key_revoke, name="key_revoke"),
    path("banks/<int:bank_id>/feedback/", views.bank_feedback, name="bank_feedback"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:report_id>/", views.report_detail, name="report_detail"),
]

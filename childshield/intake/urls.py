from django.urls import path

from childshield.intake import views

app_name = "intake"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("chat/", views.chat, name="chat"),
    path("report/status/", views.status, name="status"),
    path("report/status/reply/", views.reply, name="reply"),
    path("report/status/updates/", views.thread_updates, name="thread_updates"),
    path("block-image/", views.block_image, name="block_image"),
    path("blocked-images/", views.blocked_image_review, name="blocked_image_review"),
    path("blocked-images/policy/", views.self_submitted_policy, name="self_submitted_policy"),
    path("help/", views.help_index, name="help_index"),
    path("help/<slug:slug>/", views.help_page, name="help_page"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<str:reference>/", views.report_detail, name="report_detail"),
]

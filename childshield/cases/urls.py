from django.urls import path

from childshield.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.case_list, name="case_list"),
    path("open/", views.case_open, name="case_open"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("updates/read/", views.updates_read, name="updates_read"),
    path("feedback/<str:token>/", views.feedback_public, name="feedback_public"),
    path("forms/", views.assessment_forms, name="assessment_forms"),
    path("forms/<slug:kind>/edit/", views.assessment_form_edit, name="assessment_form_edit"),
    path("forms/versions/<int:form_id>/", views.assessment_form_version, name="assessment_form_version"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/summary/", views.case_summary, name="case_summary"),
    path("<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("<int:case_id>/status/", views.status_change, name="status_change"),
    path("<int:case_id>/consent/", views.consent_add, name="consent_add"),
    path("<int:case_id>/consent/emergency/", views.consent_emergency, name="consent_emergency"),
    path("<int:case_id>/consent/<int:consent_id>/confirm/", views.consent_confirm, name="consent_confirm"),
    path("<int:case_id>/consent/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:case_id>/refer/", views.referral_send, name="referral_send"),
    path("<int:case_id>/services/", views.service_add, name="service_add"),
    path("<int:case_id>/services/<int:service_id>/", views.service_update, name="service_update"),
    path("<int:case_id>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("<int:case_id>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:case_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("<int:case_id>/assessments/<slug:kind>/", views.assessment_record, name="assessment_record"),
    path("<int:case_id>/people-who-harmed/", views.person_who_harmed_add, name="person_who_harmed_add"),
    path("<int:case_id>/close/", views.case_close, name="case_close"),
    path("<int:case_id>/feedback/link/", views.feedback_invite, name="feedback_invite"),
    path("<int:case_id>/feedback/paper/", views.feedback_paper, name="feedback_paper"),
    path("<int:case_id>/close/approve/", views.case_close_approve, name="case_close_approve"),
    path("<int:case_id>/reopen/", views.case_reopen, name="case_reopen"),
]

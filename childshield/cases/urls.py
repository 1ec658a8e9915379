"""The addresses of the case pages."""

from django.urls import path

from childshield.cases.views import (
    assessments,
    assignments,
    break_glass,
    case_page,
    closure,
    consent,
    details,
    feedback,
    home,
    links,
    notes,
    opening,
    plan,
    referrals,
)

app_name = "cases"

urlpatterns = [
    path("", home.home, name="home"),
    path("list/", home.case_list, name="case_list"),
    path("open/", opening.case_open_view, name="case_open"),
    path("break-glass/", break_glass.break_glass, name="break_glass"),
    path("referrals/", referrals.referral_inbox, name="referral_inbox"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="referral_detail"),
    path("updates/read/", referrals.updates_read, name="updates_read"),
    path("links/", links.link_requests, name="link_requests"),
    path("links/<int:request_id>/", links.link_request_detail, name="link_request"),
    path("closures/", closure.closures_waiting, name="closures_waiting"),
    path("feedback/<str:token>/", feedback.feedback_public, name="feedback_public"),
    path("forms/", assessments.assessment_forms, name="assessment_forms"),
    path("forms/<slug:kind>/edit/", assessments.assessment_form_edit, name="assessment_form_edit"),
    path(
        "forms/versions/<int:form_id>/", assessments.assessment_form_version, name="assessment_form_version"
    ),
    path("<int:case_id>/", case_page.case_detail_view, name="case_detail"),
    path("<int:case_id>/summary/", case_page.case_summary, name="case_summary"),
    path("<int:case_id>/edit/", details.case_edit, name="case_edit"),
    path("<int:case_id>/status/", details.status_change, name="status_change"),
    path("<int:case_id>/consent/", consent.consent_add, name="consent_add"),
    path("<int:case_id>/consent/emergency/", consent.consent_emergency, name="consent_emergency"),
    path("<int:case_id>/consent/<int:consent_id>/confirm/", consent.consent_confirm, name="consent_confirm"),
    path(
        "<int:case_id>/consent/<int:consent_id>/withdraw/",
        consent.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("<int:case_id>/refer/", referrals.referral_send_view, name="referral_send"),
    path("<int:case_id>/services/", plan.service_add_view, name="service_add"),
    path("<int:case_id>/services/<int:service_id>/", plan.service_update_view, name="service_update"),
    path(
        "<int:case_id>/services/<int:service_id>/provider/",
        plan.service_provider_view,
        name="service_provider",
    ),
    path("<int:case_id>/follow-ups/", plan.follow_up_add, name="follow_up_add"),
    path("<int:case_id>/follow-ups/<int:follow_up_id>/done/", plan.follow_up_done, name="follow_up_done"),
    path("<int:case_id>/notes/", notes.note_add_view, name="note_add"),
    path("<int:case_id>/attachments/", notes.attachment_add_view, name="attachment_add"),
    path(
        "<int:case_id>/attachments/<int:attachment_id>/",
        notes.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:case_id>/assessments/<slug:kind>/", assessments.assessment_record_view, name="assessment_record"
    ),
    path(
        "<int:case_id>/people-who-harmed/",
        details.person_who_harmed_add_view,
        name="person_who_harmed_add",
    ),
    path("<int:case_id>/close/", closure.case_close_view, name="case_close"),
    path("<int:case_id>/feedback/link/", feedback.feedback_invite_view, name="feedback_invite"),
    path("<int:case_id>/feedback/paper/", feedback.feedback_paper, name="feedback_paper"),
    path("<int:case_id>/close/review/", closure.closure_review, name="closure_review"),
    path("<int:case_id>/close/approve/", closure.case_close_approve, name="case_close_approve"),
    path("<int:case_id>/close/send-back/", closure.closure_send_back, name="closure_send_back"),
    path(
        "<int:case_id>/close/sent-back/read/", closure.closure_sent_back_read, name="closure_sent_back_read"
    ),
    path("<int:case_id>/reopen/", closure.case_reopen_view, name="case_reopen"),
    path("<int:case_id>/link/", links.case_link_ask, name="case_link_ask"),
    path("<int:case_id>/hand-over/", assignments.case_reassign_view, name="case_reassign"),
    path("<int:case_id>/hand-over/read/", assignments.handover_read, name="handover_read"),
]

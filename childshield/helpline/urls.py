from django.urls import URLPattern, URLResolver, path

from childshield.helpline import supervision, views

app_name = "helpline"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("queue/rows/", views.queue_rows, name="queue_rows"),
    path("queue/<str:reference>/claim/", views.queue_claim, name="queue_claim"),
    path("queue/<str:reference>/release/", views.queue_release, name="queue_release"),
    path("queue/<str:reference>/hand-over/", views.queue_hand_over, name="queue_hand_over"),
    path("queue/<str:reference>/reply/", views.queue_reply, name="queue_reply"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/quick/", views.contact_quick, name="contact_quick"),
    path("contacts/draft/", views.contact_draft, name="contact_draft"),
    path("contacts/draft/discard/", views.contact_draft_discard, name="contact_draft_discard"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/caller-note/", views.contact_caller_note, name="contact_caller_note"),
    path("contacts/<int:pk>/case/", views.contact_case_open, name="contact_case_open"),
    path("contacts/<int:pk>/hotline/", views.contact_hotline, name="contact_hotline"),
    path("contacts/caller/", views.caller_lookup, name="caller_lookup"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("replies/", views.replies, name="replies"),
    path("replies/new/", views.reply_template_edit, name="reply_template_new"),
    path("replies/<int:pk>/", views.reply_template_edit, name="reply_template_edit"),
    path("supervision/", supervision.supervisor, name="supervisor"),
    path("figures/", views.figures, name="figures"),
    path("figures/<str:period>.csv", views.figures_download, name="figures_download"),
]

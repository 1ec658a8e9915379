from django.urls import URLPattern, URLResolver, path

from childshield.helpline.views import contacts, figures, queue, rules, supervision

app_name = "helpline"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", queue.queue, name="queue"),
    path("queue/rows/", queue.queue_rows, name="queue_rows"),
    path("queue/<str:reference>/claim/", queue.queue_claim, name="queue_claim"),
    path("queue/<str:reference>/release/", queue.queue_release, name="queue_release"),
    path("queue/<str:reference>/hand-over/", queue.queue_hand_over, name="queue_hand_over"),
    path("queue/<str:reference>/reply/", queue.queue_reply, name="queue_reply"),
    path("queue/<str:reference>/reply/thread/", queue.queue_reply_thread, name="queue_reply_thread"),
    path("queue/<str:reference>/chat/close/", queue.queue_chat_close, name="queue_chat_close"),
    path("queue/<str:reference>/chat/block/", queue.queue_chat_block, name="queue_chat_block"),
    path(
        "queue/<str:reference>/pictures/<int:message_id>/pass/",
        queue.queue_picture_pass,
        name="queue_picture_pass",
    ),
    path("contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/quick/", contacts.contact_quick, name="contact_quick"),
    path("contacts/draft/", contacts.contact_draft, name="contact_draft"),
    path("contacts/draft/discard/", contacts.contact_draft_discard, name="contact_draft_discard"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/caller-note/", contacts.contact_caller_note, name="contact_caller_note"),
    path("contacts/<int:pk>/case/", contacts.contact_case_open, name="contact_case_open"),
    path("contacts/<int:pk>/hotline/", contacts.contact_hotline, name="contact_hotline"),
    path("contacts/caller/", contacts.caller_lookup, name="caller_lookup"),
    path("rules/", rules.rules, name="rules"),
    path("rules/new/", rules.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", rules.rule_edit, name="rule_edit"),
    path("replies/", rules.replies, name="replies"),
    path("replies/new/", rules.reply_template_edit, name="reply_template_new"),
    path("replies/<int:pk>/", rules.reply_template_edit, name="reply_template_edit"),
    path("supervision/", supervision.supervisor, name="supervisor"),
    path("figures/", figures.figures, name="figures"),
    path("figures/<str:period>.csv", figures.figures_download, name="figures_download"),
]

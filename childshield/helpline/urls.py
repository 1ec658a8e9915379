from django.urls import URLPattern, URLResolver, path

from childshield.helpline import views

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
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("figures/", views.figures, name="figures"),
    path("figures/<str:period>.csv", views.figures_download, name="figures_download"),
]

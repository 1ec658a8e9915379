"""The helpline supervisors' pages of the chat channels."""

from django.urls import path

from childshield.messaging import staff_views

app_name = "chat_channels"

urlpatterns = [
    path("", staff_views.channel_list, name="list"),
    path("new/", staff_views.channel_edit, name="new"),
    path("<int:pk>/", staff_views.channel_edit, name="edit"),
    path("blocked/<int:pk>/unblock/", staff_views.sender_unblock, name="unblock"),
]

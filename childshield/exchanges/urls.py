"""URLs of the exchanges' pages, under /<language>/exchanges/."""

from django.urls import path

from childshield.exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("", views.connection_list, name="connection_list"),
    path("new/", views.connection_add, name="connection_add"),
    path("<int:pk>/", views.connection_edit, name="connection_edit"),
    path("<int:pk>/run/", views.connection_run, name="connection_run"),
    path("<int:pk>/switch/", views.connection_toggle, name="connection_toggle"),
]

"""The public landing page, under its own namespace ("public:home"), which every public page links to,
and the report form at a poster's short address ("public:short_link", docs/reporting-links.md)."""

from django.urls import path

from childshield.intake import views

app_name = "public"

urlpatterns = [
    path("", views.public_home, name="home"),
    path("s/<slug:code>/", views.report_short_link, name="short_link"),
]

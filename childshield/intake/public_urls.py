"""The public landing page, under its own namespace ("public:home"), which every public page links to."""

from django.urls import path

from childshield.intake import views

app_name = "public"

urlpatterns = [path("", views.public_home, name="home")]

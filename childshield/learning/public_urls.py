"""The library's public pages, under /<language>/learn/ (namespace "library")."""

from django.urls import path

from childshield.learning.views import public

app_name = "library"

urlpatterns = [
    path("learn/", public.library_index, name="index"),
    path("learn/<slug:slug>/", public.library_article, name="article"),
]

"""Staff pages of learning, under /<language>/learning/."""

from django.urls import URLPattern, URLResolver

app_name = "learning"

urlpatterns: list[URLPattern | URLResolver] = []

"""Staff pages of learning, under /<language>/learning/."""

from django.urls import URLPattern, URLResolver, path

from childshield.learning.views import posters

app_name = "learning"

urlpatterns: list[URLPattern | URLResolver] = [
    path("posters/", posters.poster_list, name="poster_list"),
    path("posters/new/", posters.poster_new, name="poster_new"),
    path("posters/<int:pk>/", posters.poster_print, name="poster_print"),
]

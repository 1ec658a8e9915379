"""Staff pages of learning, under /<language>/learning/."""

from django.urls import URLPattern, URLResolver, path

from childshield.learning.views import library, posters, training

app_name = "learning"

urlpatterns: list[URLPattern | URLResolver] = [
    path("library/", library.library_list, name="library_list"),
    path("library/new/", library.article_new, name="article_new"),
    path("library/<int:article_id>/", library.article_detail, name="article_detail"),
    path("library/<int:article_id>/write/<str:language>/", library.draft_write, name="draft_write"),
    path("library/<int:article_id>/checked/", library.app_guide_checked, name="app_guide_checked"),
    path("library/versions/<int:version_id>/send/", library.version_send, name="version_send"),
    path("library/versions/<int:version_id>/review/", library.version_review, name="version_review"),
    path("posters/", posters.poster_list, name="poster_list"),
    path("posters/new/", posters.poster_new, name="poster_new"),
    path("posters/<int:pk>/", posters.poster_print, name="poster_print"),
    path("training/", training.training_session_list, name="training_session_list"),
    path("training/new/", training.training_session_new, name="training_session_new"),
    path("training/trained/", training.training_trained, name="training_trained"),
    path("training/<int:pk>/", training.training_session_detail, name="training_session_detail"),
    path(
        "training/attendees/<int:pk>/certificate/", training.training_certificate, name="training_certificate"
    ),
]

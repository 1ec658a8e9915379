"""URLs of the data-subject request pages, under /<language>/operations/: the request's id only."""

from django.urls import path

from childshield.operations import views

app_name = "operations"

urlpatterns = [
    path("subject-requests/", views.subject_request_list, name="subject_request_list"),
    path("subject-requests/new/", views.subject_request_add, name="subject_request_add"),
    path("subject-requests/<int:pk>/", views.subject_request_detail, name="subject_request_detail"),
    path(
        "subject-requests/<int:pk>/identity/", views.subject_request_identity, name="subject_request_identity"
    ),
    path("subject-requests/<int:pk>/subject/", views.subject_request_find, name="subject_request_find"),
    path("subject-requests/<int:pk>/export/", views.subject_request_export, name="subject_request_export"),
    path(
        "subject-requests/<int:pk>/export.json",
        views.subject_request_export_json,
        name="subject_request_export_json",
    ),
    path("subject-requests/<int:pk>/answer/", views.subject_request_answer, name="subject_request_answer"),
    path("subject-requests/<int:pk>/refuse/", views.subject_request_refuse, name="subject_request_refuse"),
    path("subject-requests/<int:pk>/erase/", views.subject_request_erase, name="subject_request_erase"),
]

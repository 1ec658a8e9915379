from django.urls import URLPattern, URLResolver, path

from childshield.directory import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.resource_list, name="resource_list"),
    path("new/", views.resource_new, name="resource_new"),
    path("<int:pk>/", views.resource_detail, name="resource_detail"),
    path("<int:pk>/edit/", views.resource_edit, name="resource_edit"),
]

"""URLs of the places pages, under /<language>/places/."""

from django.urls import path

from childshield.places import views

app_name = "places"

urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
]

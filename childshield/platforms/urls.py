"""URLs of the platforms' staff pages, under /<language>/platforms/."""

from django.urls import path

from childshield.platforms import views

app_name = "platforms"

urlpatterns = [
    path("banks/<int:bank_id>/feedback/", views.bank_feedback, name="bank_feedback"),
]

from django.urls import URLPattern, URLResolver, path

from childshield.insights import views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("feedback/", views.feedback, name="feedback"),
]

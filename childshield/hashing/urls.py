from django.urls import URLPattern, URLResolver

app_name = "hashing"

urlpatterns: list[URLPattern | URLResolver] = []

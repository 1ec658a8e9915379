"""The providers' webhooks: unprefixed (a provider calls one address, in no language)."""

from django.urls import path

from childshield.messaging import views

app_name = "messaging"

urlpatterns = [path("<str:key>/", views.webhook, name="webhook")]

"""The platforms' API for keeping hash lists in sync, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from childshield.platforms import sync_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("banks/<int:bank_id>/signals/", sync_api.BankSignalsApi.as_view(), name="api_bank_signals"),
    path(
        "banks/<int:bank_id>/signals/feedback/",
        sync_api.BankSignalFeedbackApi.as_view(),
        name="api_bank_signal_feedback",
    ),
]

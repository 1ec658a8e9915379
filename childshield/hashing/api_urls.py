"""The hashing API, under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from childshield.hashing import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("match/hashes/", api.MatchHashesApi.as_view(), name="api_match_hashes"),
    path("match/image/", api.MatchImageApi.as_view(), name="api_match_image"),
    path("match/video/", api.MatchVideoApi.as_view(), name="api_match_video"),
    path("match/vpdq/", api.MatchVpdqApi.as_view(), name="api_match_vpdq"),
    path("banks/", api.BankListApi.as_view(), name="api_banks"),
]

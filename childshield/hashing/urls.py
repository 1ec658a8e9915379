"""URLs of the hashing pages, under /<language>/hashing/."""

from django.urls import path

from childshield.hashing import views

app_name = "hashing"

urlpatterns = [
    path("banks/", views.bank_list, name="bank_list"),
    path("banks/<int:bank_id>/", views.bank_detail, name="bank_detail"),
    path("banks/<int:bank_id>/switch/", views.bank_toggle, name="bank_toggle"),
    path("banks/<int:bank_id>/sharing/", views.bank_sharing, name="bank_sharing"),
    path("banks/<int:bank_id>/import/", views.bank_import, name="bank_import"),
    path("banks/<int:bank_id>/export/", views.bank_export, name="bank_export"),
    path("banks/<int:bank_id>/videos/", views.bank_video_add, name="bank_video_add"),
    path("entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("matches/", views.match_list, name="match_list"),
    path("check/", views.match_check, name="match_check"),
    path("api-keys/", views.api_key_list, name="api_key_list"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("api-keys/<int:key_id>/rotate/", views.api_key_rotate, name="api_key_rotate"),
]

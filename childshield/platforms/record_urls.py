"""The platforms' record pages."""

from django.urls import path

from childshield.platforms import record_views

app_name = "platform_record"

urlpatterns = [
    path("", record_views.record, name="record"),
    path("record.csv", record_views.record_download, name="download"),
]

"""URLs of the places pages, under /<language>/places/."""

from django.urls import path

from childshield.places.views import agencies, areas, helplines

app_name = "places"

urlpatterns = [
    path("areas/", areas.area_list, name="area_list"),
    path("areas/import/", areas.area_import, name="area_import"),
    path("areas/import/apply/", areas.area_import_apply, name="area_import_apply"),
    path("areas/export/", areas.area_export, name="area_export"),
    path("agencies/new/", agencies.agency_new, name="agency_new"),
    path("agencies/<int:agency_id>/", agencies.agency_edit, name="agency_edit"),
    path("helplines/", helplines.helpline_list, name="helpline_list"),
    path("helplines/new/", helplines.helpline_new, name="helpline_new"),
    path("helplines/<int:helpline_id>/", helplines.helpline_edit, name="helpline_edit"),
    path("helplines/<int:helpline_id>/move/", helplines.helpline_move, name="helpline_move"),
]

from django.urls import URLPattern, URLResolver, path

from childshield.insights import views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/download.<str:as_format>", views.indicators_download, name="indicators_download"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:quarter>.<str:as_format>", views.open_data_download, name="open_data_download"),
    path("annual/<int:year>/", views.annual_report, name="annual_report"),
    path("feedback/", views.feedback, name="feedback"),
    path("agency/", views.agency, name="agency"),
    path("agency/download.csv", views.agency_download, name="agency_download"),
    path("helpline-figures/", views.helpline_figures, name="helpline_figures"),
    path(
        "helpline-figures/<str:period>.csv", views.helpline_figures_download, name="helpline_figures_download"
    ),
]

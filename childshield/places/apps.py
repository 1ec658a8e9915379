from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "childshield.places"
    label = "places"
    verbose_name = "Places"

from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "childshield.platforms"
    label = "platforms"
    verbose_name = "Platforms"

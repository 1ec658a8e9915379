from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "childshield.hotline"
    label = "hotline"
    verbose_name = "Hotline"

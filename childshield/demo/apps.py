from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "childshield.demo"
    label = "demo"
    verbose_name = "Demo data"

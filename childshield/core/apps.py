from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "childshield.core"
    label = "core"
    verbose_name = "Core"

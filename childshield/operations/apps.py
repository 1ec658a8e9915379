from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "childshield.operations"
    label = "operations"
    verbose_name = "Operations"

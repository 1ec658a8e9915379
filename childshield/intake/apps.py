from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "childshield.intake"
    label = "intake"
    verbose_name = "Intake"

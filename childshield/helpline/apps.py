from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "childshield.helpline"
    label = "helpline"
    verbose_name = "Helpline"

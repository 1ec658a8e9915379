from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "childshield.cases"
    label = "cases"
    verbose_name = "Cases"

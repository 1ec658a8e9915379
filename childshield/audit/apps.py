from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "childshield.audit"
    label = "audit"
    verbose_name = "Audit"

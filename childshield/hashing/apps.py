from django.apps import AppConfig


class HashingConfig(AppConfig):
    name = "childshield.hashing"
    label = "hashing"
    verbose_name = "Hashing"

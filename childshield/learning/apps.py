from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "childshield.learning"
    label = "learning"
    verbose_name = "Learning"

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "childshield.directory"
    label = "directory"
    verbose_name = "Services directory"

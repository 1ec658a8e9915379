from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "childshield.accounts"
    label = "accounts"
    verbose_name = "Accounts"

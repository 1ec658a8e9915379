from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "childshield.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from childshield.outbox import handlers, mail

        handlers.register(mail.EMAIL, mail.email_deliver)

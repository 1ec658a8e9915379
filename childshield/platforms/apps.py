from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "childshield.platforms"
    label = "platforms"
    verbose_name = "Platforms"

    def ready(self) -> None:
        from childshield.hotline import channels
        from childshield.outbox.handlers import register
        from childshield.platforms.services import webhooks

        register(webhooks.WEBHOOK_DELIVER, webhooks.webhook_deliver)
        # A notice to a platform with webhooks goes to them too (the e-mail stays the notice of record).
        channels.register(webhooks.notice_to_platform)

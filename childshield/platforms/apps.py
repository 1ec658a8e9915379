from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "childshield.platforms"
    label = "platforms"
    verbose_name = "Platforms"

    def ready(self) -> None:
        from childshield.hotline import channels
        from childshield.outbox.handlers import register
        from childshield.platforms.services import notices, webhooks

        register(webhooks.WEBHOOK_DELIVER, webhooks.webhook_deliver)
        # A removal a platform reports is checked by the hotline at once.
        register(notices.REMOVAL_VERIFY, notices.removal_verify)
        # A notice to a platform with webhooks goes to them too (the e-mail stays the notice of record).
        channels.register(webhooks.notice_to_platform)

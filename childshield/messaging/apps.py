from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "childshield.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from childshield.accounts.navigation import NavItem, holds
        from childshield.accounts.navigation import register as nav_register
        from childshield.intake.hooks import on_chat_hours, on_message_to_reporter
        from childshield.messaging import selectors, services
        from childshield.messaging.permissions import MessagingPerm
        from childshield.outbox.handlers import register

        register(services.RECEIVE, services.receive)
        register(services.SEND, services.send)
        # A reply to a report that came through a chat app goes back out through it.
        on_message_to_reporter(services.message_to_reporter)
        # The web chat's pages say, out of hours, when someone will answer.
        on_chat_hours(selectors.web_chat_hours)
        nav_register(
            NavItem("chat_channels:list", _("Chat channels"), holds(MessagingPerm.CHANNEL_MANAGE), order=99)
        )

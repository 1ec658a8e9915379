from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "childshield.platforms"
    label = "platforms"
    verbose_name = "Platforms"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from childshield.accounts import related
        from childshield.accounts.navigation import NavItem, holds
        from childshield.accounts.navigation import register as nav_register
        from childshield.hotline import channels
        from childshield.outbox.handlers import register
        from childshield.platforms import hosts, report_reads, sync
        from childshield.platforms.permissions import PlatformPerm
        from childshield.platforms.services import notices, sandbox, webhooks

        register(webhooks.WEBHOOK_DELIVER, webhooks.webhook_deliver)
        register(sandbox.WEBHOOK_TEST, sandbox.webhook_test_deliver)
        # A removal a platform reports is checked by the hotline at once.
        register(notices.REMOVAL_VERIFY, notices.removal_verify)
        # A notice to a platform with webhooks goes to them too (the e-mail stays the notice of record).
        channels.register(webhooks.notice_to_platform)
        # The hotline's preservation and file requests go to the platform that hosts or reported an item.
        channels.register_finder(hosts.platform_contact_for)
        # A bank's page links to what platforms said of its hashes.
        related.register("hashing.HashBank", sync.feedback_links)
        # A hotline item's page links to the platforms' reports that named it.
        related.register("hotline.ContentItem", report_reads.reports_of_item)
        # A child's code page says what platforms said of the pictures they blocked (counts, no names).
        from childshield.intake.hooks import on_blocked_image_outcomes

        on_blocked_image_outcomes(sync.blocked_image_outcomes)
        nav_register(
            NavItem(
                "platform_record:record", _("Platform record"), holds(PlatformPerm.RECORD_VIEW), order=530
            )
        )
        nav_register(
            NavItem("platforms:platform_list", _("Platforms"), holds(PlatformPerm.ONBOARD), order=525)
        )
        nav_register(
            NavItem(
                "platforms:dashboard", _("Platform dashboard"), holds(PlatformPerm.DASHBOARD_VIEW), order=528
            )
        )
        nav_register(
            NavItem(
                "platforms:report_list", _("Platform reports"), holds(PlatformPerm.REPORT_VIEW), order=405
            )
        )

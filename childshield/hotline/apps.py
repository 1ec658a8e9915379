from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "childshield.hotline"
    label = "hotline"
    verbose_name = "Hotline"

    def ready(self) -> None:
        from childshield.accounts import related
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.core.crypto import register_rotation
        from childshield.hotline import links
        from childshield.hotline.permissions import HotlinePerm
        from childshield.hotline.services.evidence import evidence_rotate
        from childshield.hotline.services.received_images import received_images_rotate

        register(NavItem("hotline:item_list", _("Reported content"), holds(HotlinePerm.ITEM_VIEW), order=400))
        register(
            NavItem(
                "hotline:received_images",
                _("Pictures from chats"),
                holds(HotlinePerm.EVIDENCE_VIEW),
                order=405,
            )
        )
        register(NavItem("hotline:figures", _("Time to removal"), holds(HotlinePerm.FIGURES_VIEW), order=410))
        register(
            NavItem(
                "hotline:package_list", _("Referral packages"), holds(HotlinePerm.PACKAGE_RECEIVE), order=420
            )
        )
        register(
            NavItem(
                "hotline:provider_list",
                _("Hosting providers"),
                holds(HotlinePerm.REFERENCE_MANAGE),
                order=430,
            )
        )
        register(
            NavItem(
                "hotline:partner_list",
                _("Partner hotlines and police"),
                holds(HotlinePerm.REFERENCE_MANAGE),
                order=435,
            )
        )
        from childshield.hotline import deliveries
        from childshield.hotline.services.items import report_addresses_enqueue
        from childshield.intake.hooks import on_report_received
        from childshield.outbox import handlers

        # A child's report with web addresses: filed with the hotline by a worker, through the outbox.
        on_report_received(report_addresses_enqueue)
        handlers.register(deliveries.REPORT_ADDRESSES_FILE, deliveries.report_addresses_file)
        handlers.register(deliveries.NOTICE_TO_PLATFORMS, deliveries.notice_to_platforms)
        related.register("intake.Report", links.items_of_report)
        # A case opened from a report lists its items too, without the hotline naming cases.
        related.register_from_report(links.items_of_source_report)
        # Evidence files are encrypted outside the encrypted columns rotate_keys walks.
        register_rotation("hotline.Evidence files", evidence_rotate)
        register_rotation("hotline.ReceivedImage files", received_images_rotate)
        # Bounces of notices, reported by the mail provider's webhook (django-anymail).
        from anymail.signals import tracking

        from childshield.hotline.mail_events import on_tracking

        tracking.connect(on_tracking, dispatch_uid="childshield-hotline-notice-bounces")

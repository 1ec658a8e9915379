"""Admin for the hotline's reference data: hosting providers, platforms and partner contacts.

Items, notices and evidence are not in the admin: they are reached through the hotline pages,
which scope and audit every read.
"""

from django.contrib import admin

from childshield.hotline.models import HostingProvider, PartnerHotline


@admin.register(HostingProvider)
class HostingProviderAdmin(admin.ModelAdmin[HostingProvider]):
    list_display = ("name", "is_platform", "country", "abuse_email", "is_active")
    list_filter = ("is_platform", "country", "is_active")
    search_fields = ("name", "abuse_email")


@admin.register(PartnerHotline)
class PartnerHotlineAdmin(admin.ModelAdmin[PartnerHotline]):
    list_display = ("name", "kind", "country", "email", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "email")

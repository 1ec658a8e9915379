"""Admin for the hotline's reference data: hosting providers and partner contacts, to read only.

They are changed on the staff pages (`/hotline/providers/`, `/hotline/partners/`), whose services
read AS numbers, ranges and domains into the form traces match and audit every change; the admin
would store any JSON, unaudited. Items, notices and evidence are not in the admin: they are reached
through the hotline pages, which scope and audit every read.
"""

from django.contrib import admin
from django.http import HttpRequest

from childshield.hotline.models import HostingProvider, PartnerHotline


@admin.register(HostingProvider)
class HostingProviderAdmin(admin.ModelAdmin[HostingProvider]):
    list_display = ("name", "is_platform", "country", "abuse_email", "is_active")
    list_filter = ("is_platform", "country", "is_active")
    search_fields = ("name", "abuse_email")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HostingProvider | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HostingProvider | None = None) -> bool:
        return False


@admin.register(PartnerHotline)
class PartnerHotlineAdmin(admin.ModelAdmin[PartnerHotline]):
    list_display = ("name", "kind", "country", "email", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "email")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PartnerHotline | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PartnerHotline | None = None) -> bool:
        return False

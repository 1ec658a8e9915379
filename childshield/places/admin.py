"""Admin for places: for looking things up and small fixes; bulk changes go through the load commands."""

from django.contrib import admin
from django.http import HttpRequest

from childshield.places.models import Area, HelplineNumber, MembershipProvince


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = (
        "code",
        "name_en",
        "name_vi",
        "name_km",
        "level",
        "country",
        "parent",
        "valid_from",
        "valid_to",
        "replaced_by",
    )
    list_filter = ("country", "level", "valid_to")
    search_fields = ("code", "name_en", "name_vi", "name_km")
    list_select_related = ("parent", "replaced_by")
    autocomplete_fields = ("parent", "replaced_by")
    # Records point at areas forever; an area ends (valid_to) instead of being deleted.
    readonly_fields = ("code", "country")

    def get_readonly_fields(self, request: HttpRequest, obj: Area | None = None) -> tuple[str, ...]:
        # The code and country are the identity other records and files rely on: set once.
        return self.readonly_fields if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Area | None = None) -> bool:
        return False


@admin.register(HelplineNumber)
class HelplineNumberAdmin(admin.ModelAdmin[HelplineNumber]):
    list_display = ("number", "name_en", "country", "hours_en", "is_free", "channels", "order")
    list_filter = ("country", "is_free")
    search_fields = ("number", "name_en", "name_vi", "name_km")
    ordering = ("country", "order")


@admin.register(MembershipProvince)
class MembershipProvinceAdmin(admin.ModelAdmin[MembershipProvince]):
    """A programme manager limited to one province (the model's clean() refuses anything else)."""

    list_display = ("membership", "province")
    list_select_related = ("membership__agency", "province")
    raw_id_fields = ("membership",)
    autocomplete_fields = ("province",)

"""Admin for intake: the registry of source links (R3). Reports themselves are never edited here."""

from django.contrib import admin

from childshield.intake.models import SourceLink


@admin.register(SourceLink)
class SourceLinkAdmin(admin.ModelAdmin[SourceLink]):
    list_display = ("code", "label", "kind", "country", "area", "published")
    list_filter = ("country", "kind", "published")
    search_fields = ("code", "label")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)

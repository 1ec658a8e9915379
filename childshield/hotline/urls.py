from django.urls import URLPattern, URLResolver, path

from childshield.hotline import received_views, reference_views, views

app_name = "hotline"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.item_list, name="item_list"),
    path("add/", views.items_add, name="items_add"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/assess/", views.item_assess, name="item_assess"),
    path("items/<int:item_id>/confirm/", views.assessment_confirm, name="assessment_confirm"),
    path("items/<int:item_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("items/<int:item_id>/evidence/<int:evidence_id>/", views.evidence_frame, name="evidence_frame"),
    path("items/<int:item_id>/evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("items/<int:item_id>/trace/", views.item_trace, name="item_trace"),
    path("items/<int:item_id>/notice/", views.item_notice, name="item_notice"),
    path("items/<int:item_id>/request/", views.item_request, name="item_request"),
    path("items/<int:item_id>/notices/<int:notice_id>/bounced/", views.notice_bounced, name="notice_bounced"),
    path("items/<int:item_id>/check/", views.item_check, name="item_check"),
    path("items/<int:item_id>/close/", views.item_close, name="item_close"),
    path("break/", views.welfare_break, name="welfare_break"),
    path("pictures/", received_views.received_images, name="received_images"),
    path("pictures/<int:pk>/file/", received_views.received_image_file, name="received_image_file"),
    path(
        "pictures/<int:pk>/assess/", received_views.received_image_assess_view, name="received_image_assess"
    ),
    path("figures/", views.figures, name="figures"),
    path("packages/", views.package_list, name="package_list"),
    path("packages/<int:package_id>/", views.package_download, name="package_download"),
    path("providers/", reference_views.provider_list, name="provider_list"),
    path("providers/add/", reference_views.provider_add, name="provider_add"),
    path("providers/<int:provider_id>/", reference_views.provider_edit, name="provider_edit"),
    path("providers/<int:provider_id>/active/", reference_views.provider_active, name="provider_active"),
    path("providers/<int:provider_id>/delete/", reference_views.provider_delete, name="provider_delete"),
    path("partners/", reference_views.partner_list, name="partner_list"),
    path("partners/add/", reference_views.partner_add, name="partner_add"),
    path("partners/<int:partner_id>/", reference_views.partner_edit, name="partner_edit"),
    path("partners/<int:partner_id>/active/", reference_views.partner_active, name="partner_active"),
]

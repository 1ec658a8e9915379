from django.urls import path

from childshield.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("languages/", views.languages, name="languages"),
    path("acting-for/", views.acting_for_switch, name="acting_for"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/remove/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:membership_id>/invite-again/", views.member_invite_again, name="member_invite_again"),
    path(
        "members/<int:membership_id>/two-factor-reset/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path("members/import/", views.members_import, name="members_import"),
    path("members/import/members.csv", views.members_import_template, name="members_import_template"),
    path("agencies/", views.agencies, name="agencies"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
]

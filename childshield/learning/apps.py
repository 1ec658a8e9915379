from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import router
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _library_install(sender: AppConfig, *, using: str, apps: Apps | None = None, **kwargs: Any) -> None:
    """After `migrate` (and a test database's flush): the shipped library articles, published once,
    and the shipped courses, added where missing."""
    from childshield.learning.models import ArticleVersion
    from childshield.learning.services.library import library_install_shipped

    if apps is not None:
        try:
            apps.get_model("learning", "ArticleVersion")
        except LookupError:
            return
    if using != router.db_for_write(ArticleVersion):
        return
    library_install_shipped()
    # The courses and their tests: seeded by migration 0002, and again after a flush emptied them.
    seeding = import_module("childshield.learning.migrations.0002_training_courses_sessions_attendance")
    seeding.courses_add(django_apps, None)


class LearningConfig(AppConfig):
    name = "childshield.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from childshield.accounts.navigation import NavItem, holds, register
        from childshield.learning.permissions import LearningPerm

        register(
            NavItem(
                "learning:training_session_list", _("Training"), holds(LearningPerm.TRAINING_VIEW), order=98
            )
        )
        register(NavItem("learning:poster_list", _("Posters"), holds(LearningPerm.POSTERS_MAKE), order=99))
        # The library: its editorial pages, the children's advice intake's public pages list and the
        # old /help/ addresses (intake may not name learning's URLs), the shipped articles.
        register(NavItem("learning:library_list", _("Library"), holds(LearningPerm.LIBRARY_VIEW), order=97))
        from childshield.intake import hooks
        from childshield.learning.views import public

        hooks.on_advice_pages(public.advice_pages)
        hooks.on_advice_address(public.advice_address)
        post_migrate.connect(_library_install, sender=self)

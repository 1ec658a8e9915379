"""The advice pages for children and young people: which exist, in what order, with what title."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpPage:
    slug: str
    title: str | Promise
    summary: str | Promise

    @property
    def template(self) -> str:
        return f"intake/help/{self.slug}.html"


HELP_PAGES: tuple[HelpPage, ...] = (
    HelpPage(
        "sextortion",
        _("Someone threatens to share my pictures"),
        _("Don't pay, don't send more, keep the messages, and tell someone. It is not your fault."),
    ),
    HelpPage(
        "grooming",
        _("An older person online is too friendly"),
        _("Gifts, secrets and “don't tell anyone” are warning signs. You can stop talking and tell us."),
    ),
    HelpPage(
        "unwanted-images",
        _("Someone sent me sexual pictures"),
        _("You did nothing wrong. Don't send anything back. Block, report and tell someone."),
    ),
    HelpPage(
        "sexual-bullying",
        _("Sexual jokes, comments or rumours about me"),
        _("Nobody has the right to hurt you like this. Keep proof and get help to make it stop."),
    ),
    HelpPage(
        "helping-a-friend",
        _("Helping a friend"),
        _("Listen, believe them, don't share anything, and help them tell someone they trust."),
    ),
)


def help_page_for(slug: str) -> HelpPage | None:
    return next((page for page in HELP_PAGES if page.slug == slug), None)

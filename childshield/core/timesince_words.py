"""The words of Django's `timesince` and `timeuntil` filters, declared here so that this project's
catalogues carry them: Django 5.2's own Vietnamese catalogue still holds their older forms ("%d
week") and its Khmer one leaves them empty, so "waiting 1 week, 2 days" showed in English on pages
in Vietnamese and Khmer. The strings are Django's own (django/utils/timesince.py), word for word.
"""

from django.utils.translation import ngettext_lazy

TIME_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)

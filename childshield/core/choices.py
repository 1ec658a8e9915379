"""Lists of choices more than one app stores, each named for what it is, and the mappings between them.

The lists differ on purpose: a child reporting picks from few, plain words; a counsellor records
the CHI data framework's bands; a case worker records the child's own words for their gender. No
stored value is translated in place: a value moves from one list to another only through the
mappings below, and one without a counterpart becomes "unknown".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReporterAgeBand(models.TextChoices):
    """How old the child is, as a child or caregiver answers on the public report form."""

    UNDER_10 = "under_10", _("Under 10")
    AGE_10_12 = "10_12", _("10 to 12")
    AGE_13_15 = "13_15", _("13 to 15")
    AGE_16_17 = "16_17", _("16 or 17")
    ADULT = "18_plus", _("18 or older")


class ReporterGender(models.TextChoices):
    """The child's gender, as answered on the public report form (optional, three plain words)."""

    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    ANOTHER = "another", _("Another way")


class WritingLanguage(models.TextChoices):
    """A language the helpline writes in: the one a child asks to be answered in, and those a
    counsellor writes. Each is named in its own script, as a person looking for their own reads it."""

    VI = "vi", "Tiếng Việt"
    KM = "km", "ភាសាខ្មែរ"
    EN = "en", "English"


class ChiAgeBand(models.TextChoices):
    """The age bands of Child Helpline International's data framework (helpline contacts)."""

    UNKNOWN = "unknown", _("Unknown")
    AGE_0_6 = "0_6", _("0 to 6")
    AGE_7_9 = "7_9", _("7 to 9")
    AGE_10_12 = "10_12", _("10 to 12")
    AGE_13_15 = "13_15", _("13 to 15")
    AGE_16_17 = "16_17", _("16 or 17")
    AGE_18_25 = "18_25", _("18 to 25")
    OVER_25 = "over_25", _("Over 25")


class ChiGender(models.TextChoices):
    """The caller's gender in Child Helpline International's data framework (helpline contacts)."""

    UNKNOWN = "unknown", _("Unknown")
    GIRL = "girl", _("Girl or woman")
    BOY = "boy", _("Boy or man")
    ANOTHER = "another", _("Another way")


class ChildGender(models.TextChoices):
    """A survivor's gender in their case, as the child says it."""

    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    NON_BINARY = "non_binary", _("Non-binary")
    ANOTHER = "another", _("Another way")
    UNKNOWN = "unknown", _("Not known")
    NOT_SAID = "not_said", _("Prefers not to say")


# A report's answers, pre-filled into the contact a counsellor logs from it. "Under 10" spans two
# CHI bands and "18 or older" two more, so they stay unknown for the counsellor to ask.
CHI_AGE_BAND_FROM_REPORTER: dict[str, ChiAgeBand] = {
    ReporterAgeBand.AGE_10_12: ChiAgeBand.AGE_10_12,
    ReporterAgeBand.AGE_13_15: ChiAgeBand.AGE_13_15,
    ReporterAgeBand.AGE_16_17: ChiAgeBand.AGE_16_17,
}
CHI_GENDER_FROM_REPORTER: dict[str, ChiGender] = {
    ReporterGender.GIRL: ChiGender.GIRL,
    ReporterGender.BOY: ChiGender.BOY,
    ReporterGender.ANOTHER: ChiGender.ANOTHER,
}

# A contact's answers, pre-filled into the case opened from it.
CHILD_GENDER_FROM_CHI: dict[str, ChildGender] = {
    ChiGender.GIRL: ChildGender.GIRL,
    ChiGender.BOY: ChildGender.BOY,
    ChiGender.ANOTHER: ChildGender.ANOTHER,
}
# A CHI age band read as an estimated age (its lower middle); adults' bands give none.
ESTIMATED_AGE_FROM_CHI_BAND: dict[str, int] = {
    ChiAgeBand.AGE_0_6: 5,
    ChiAgeBand.AGE_7_9: 8,
    ChiAgeBand.AGE_10_12: 11,
    ChiAgeBand.AGE_13_15: 14,
    ChiAgeBand.AGE_16_17: 16,
}

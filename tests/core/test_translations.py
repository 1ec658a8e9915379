"""Every string is translated into Vietnamese and Khmer, and the committed .mo files match the .po files."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def _catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language):
    catalog = _catalog(language)
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"{language}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_matches_its_source(language):
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "")
        for entry in _catalog(language)
        if not entry.obsolete
    }
    path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert path.exists(), f"{path} is missing; run `make messages`"
    compiled = polib.mofile(str(path))
    built = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0, "") for entry in compiled
    }
    assert built == source, f"locale/{language}: the .mo is stale; run `make messages`"


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="GNU gettext is not installed (make test installs it)"
)
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_holds_every_string_of_the_code(language, tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    with override_settings(LOCALE_PATHS=[copy]):
        call_command(
            "makemessages",
            locale=[language],
            no_obsolete=True,
            ignore_patterns=[".venv/*", "tests/*", "staticfiles/*", "var/*"],
            verbosity=0,
        )
    extracted = {entry.msgid for entry in polib.pofile(str(copy / language / "LC_MESSAGES" / "django.po"))}
    committed = {entry.msgid for entry in _catalog(language) if not entry.obsolete}
    assert extracted == committed, (
        f"run `make messages` and translate: new {sorted(extracted - committed)[:10]}, "
        f"gone {sorted(committed - extracted)[:10]}"
    )

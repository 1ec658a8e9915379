"""Every string is translated into Vietnamese and Khmer, and the committed .mo files match the .po files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def _catalog(language: str, locale: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))


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
def test_the_catalogs_hold_every_string_of_the_code(tmp_path):
    # makemessages writes into the tree it runs in, so it runs in a copy of the code.
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(root / "childshield", copy / "childshield", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(LOCALE, copy / "locale")
    shutil.copy(root / "manage.py", copy / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            *[f"--locale={language}" for language in TRANSLATED],
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "childshield.settings.dev", "PYTHONPATH": str(copy)},
        check=True,
        capture_output=True,
    )
    for language in TRANSLATED:
        extracted = {entry.msgid for entry in _catalog(language, copy / "locale")}
        committed = {entry.msgid for entry in _catalog(language) if not entry.obsolete}
        assert extracted == committed, (
            f"{language}: run `make messages` and translate: new {sorted(extracted - committed)[:10]}, "
            f"gone {sorted(committed - extracted)[:10]}"
        )

"""Every French text of the code has its English translation, and English readers get it."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from handlers.i18n import catalogue, lang_of, translate

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "UserError": None}


def code_msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("handlers", "bot"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_msgid_has_an_english_translation() -> None:
    english = catalogue("en")
    missing = sorted(code_msgids() - set(english))
    entries = "\n\n".join(f"msgid {msgid!r}\nmsgstr \"\"" for msgid in missing)
    assert not missing, f"{len(missing)} texte(s) sans traduction anglaise :\n{entries}"


def test_english_catalogue_has_no_stale_entries() -> None:
    stale = sorted(set(catalogue("en")) - code_msgids())
    assert not stale, f"translations of texts no longer in the code: {stale}"


def test_placeholders_survive_translation() -> None:
    import string

    formatter = string.Formatter()
    for msgid, translation in catalogue("en").items():
        fields = {name for _, name, _, _ in formatter.parse(msgid) if name}
        assert fields == {name for _, name, _, _ in formatter.parse(translation) if name}, msgid


def test_language_follows_platform_locale() -> None:
    assert lang_of("en-US") == "en" and lang_of("fr-FR") == "fr" and lang_of("de-DE") == "fr"
    assert lang_of(None) == "fr"
    assert translate("en", "Langue enregistrée : {langue}.", langue="English") == "Language saved: English."

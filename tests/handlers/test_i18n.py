"""Every French text of the code has its English translation, and English readers get it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handlers import Command, Profile, Reply, Service, Visibility
from handlers.i18n import LOCALES, catalogue, lang_of, translate
from handlers.territories import TERRITORIES

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


# -- stricter checks ---------------------------------------------------------------------------------
MARKERS = {"_": 0, "N_": 0, "UserError": 0, "translate": 1}


def marked_calls() -> list[tuple[Path, int, ast.expr]]:
    """Every call that marks a text for translation, with its msgid argument, even inside f-strings."""
    found = []
    for folder in ("handlers", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None)
                index = MARKERS.get(name or "")
                if index is not None and len(node.args) > index:
                    found.append((path, node.lineno, node.args[index]))
    return found


def test_texts_marked_inside_f_strings_are_extracted_too() -> None:
    """Babel skips calls written inside f-strings; reading the syntax tree finds them all."""
    literal = {arg.value for _p, _l, arg in marked_calls() if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    missing = sorted(literal - set(catalogue("en")))
    assert not missing, f"texts without an English translation: {missing}"


def test_no_msgid_is_built_at_run_time() -> None:
    """An f-string or a concatenation as msgid can never match a catalogue entry."""
    built = [f"{path.relative_to(ROOT)}:{line}" for path, line, arg in marked_calls()
             if isinstance(arg, ast.JoinedStr | ast.BinOp)]
    assert not built, f"msgids built at run time (use placeholders instead): {built}"


def test_catalogues_agree_on_each_msgid() -> None:
    """Each capability has its own .po file; one text translated two ways would be picked at random."""
    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for path in sorted((LOCALES / "en" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="en"):
                if not message.id or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    conflicts.append((message.id, seen[message.id][0], path.name))
                seen.setdefault(message.id, (path.name, message.string))
    assert not conflicts, conflicts


LANG = "en"
FRENCH_WORDS = {"vous", "votre", "vos", "aucun", "aucune", "avec", "pour", "dans", "sont", "est", "les", "des",
                "une", "pas", "sur", "chez", "déjà", "été", "être", "rien", "encore", "écrivez", "tapez", "réservé",
                "commande", "commandes", "cette", "qui", "que", "nous", "mais", "le", "du", "aux", "jusqu"}
_CODE = re.compile(r"\{\w*\}|`[^`]*`|https?://\S+|<@[^>]+>|“[^”]*”|«[^»]*»|\"[^\"]*\"")  # code, links, quoted input
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")


def french_words(text: str, allowed: str) -> set[str]:
    """French words of the bot's own sentences: code, links, mentions and `allowed` data are left out."""
    words = set(_WORD.findall(_CODE.sub(" ", text.lower()).replace("'", " ")))
    return (words & FRENCH_WORDS) - set(_WORD.findall(allowed.lower().replace("'", " ")))


def test_english_translations_are_english() -> None:
    leaks = {msgid: text for msgid, text in catalogue("en").items() if french_words(text, "")}
    assert not leaks, leaks


def data_words(service: Service) -> str:
    """What the Club's data says in French whatever the reader's language: names of places and programme."""
    programme = service.settings.programme
    parts = [programme.club.name, *(p.name + " " + p.summary + " " + p.place for p in programme.phases),
             *(s.title + " " + s.place for s in programme.series)]
    parts += [t.name + " " + " ".join(t.aliases) for t in TERRITORIES]
    return " ".join(parts)


def test_every_verb_answers_an_english_reader_in_english(service: Service) -> None:
    """`aide <verb>` and every example of every verb, typed by a facilitator who reads English."""
    allowed = data_words(service)
    user = "camille"
    seen_verbs = []

    def run(text: str) -> list[Reply]:
        mentions = {name: name for name in re.findall(r"@([\w.\-]+)", text)}
        text = re.sub(r"@([\w.\-]+)", r"<@\1>", text)
        return service.handle_command(Command(platform="console", user_id=user, user_name=user,
                                              channel_id="club", text=text, received_at=service.clock(),
                                              profile=lambda: Profile(display_name=user), mentions=mentions))

    assert "Language saved" in run(f"langue {LANG}")[0].text
    leaks = []
    for entry in service.registry.all_verbs():
        seen_verbs.append(entry.full_name)
        for line in (f"aide {entry.full_name}", *(e.removeprefix("/club ").strip() for e in entry.examples)):
            for reply in run(line):
                if reply.visibility in (Visibility.EPHEMERAL, Visibility.DM) and not reply.recount:
                    found = french_words(reply.text, allowed + " " + line)
                    if found:
                        leaks.append((line, sorted(found), reply.text[:300]))
    assert len(seen_verbs) == len(service.registry.all_verbs()) > 20
    assert not leaks, "\n".join(map(str, leaks))

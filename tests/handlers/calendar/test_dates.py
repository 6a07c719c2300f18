"""French date input: a table of what people type, with what it must mean.

"Now" is Monday 11 January 2027, 10:00 in Paris (09:00 UTC). Expected values are Paris wall-clock
times ("+120" is a range's duration in minutes); "!word" is an error whose message contains the word.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar.dates import parse_duration, parse_span, parse_when
from handlers.core import UserError
from handlers.i18n import translate

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
PARIS = "Europe/Paris"

PHRASES = [
    ('jeudi prochain à 14h', '2027-01-14 14:00'),
    ('jeudi prochain 14h', '2027-01-14 14:00'),
    ('jeudi prochain 18h', '2027-01-14 18:00'),
    ('demain 10h', '2027-01-12 10:00'),
    ('demain à 10h', '2027-01-12 10:00'),
    ('demain 10h30', '2027-01-12 10:30'),
    ('mardi 14h', '2027-01-12 14:00'),
    ('lundi 9h', '2027-01-18 09:00'),
    ('mardi 9h', '2027-01-12 09:00'),
    ('mercredi 16h', '2027-01-13 16:00'),
    ('vendredi 11h', '2027-01-15 11:00'),
    ('samedi 10h', '2027-01-16 10:00'),
    ('dimanche 15h', '2027-01-17 15:00'),
    ('jeudi', '2027-01-14 09:00'),
    ('jeudi prochain', '2027-01-14 09:00'),
    ('mardi prochain', '2027-01-12 09:00'),
    ('lundi prochain', '2027-01-18 09:00'),
    ('lundi', '2027-01-18 09:00'),
    ('ce jeudi 14h', '2027-01-14 14:00'),
    ('ce lundi 15h', '2027-01-11 15:00'),
    ('ce lundi 9h', '!passé'),
    ('jeudi en huit', '2027-01-21 09:00'),
    ('jeudi en huit 10h', '2027-01-21 10:00'),
    ('mardi en quinze', '2027-01-26 09:00'),
    ('mardi de la semaine prochaine', '2027-01-19 09:00'),
    ('vendredi de la semaine prochaine 9h', '2027-01-22 09:00'),
    ('14h', '2027-01-11 14:00'),
    ('14h30', '2027-01-11 14:30'),
    ('14 h', '2027-01-11 14:00'),
    ('14 h 30', '2027-01-11 14:30'),
    ('14:30', '2027-01-11 14:30'),
    ('9h', '2027-01-12 09:00'),
    ('9h05', '2027-01-12 09:05'),
    ('8h', '2027-01-12 08:00'),
    ('18h', '2027-01-11 18:00'),
    ('23h59', '2027-01-11 23:59'),
    ('0h', '2027-01-12 00:00'),
    ('à 16h', '2027-01-11 16:00'),
    ('vers 17h', '2027-01-11 17:00'),
    ('midi', '2027-01-11 12:00'),
    ('midi et demi', '2027-01-11 12:30'),
    ('midi et quart', '2027-01-11 12:15'),
    ('minuit', '2027-01-12 00:00'),
    ('demain midi', '2027-01-12 12:00'),
    ('demain à midi', '2027-01-12 12:00'),
    ('jeudi midi', '2027-01-14 12:00'),
    ('14 heures', '2027-01-11 14:00'),
    ('14 heures 30', '2027-01-11 14:30'),
    ('dans 15 jours', '2027-01-26 10:00'),
    ('dans 15 jours à 10h', '2027-01-26 10:00'),
    ('dans 3 jours', '2027-01-14 10:00'),
    ('dans 1 jour', '2027-01-12 10:00'),
    ('dans une semaine', '2027-01-18 10:00'),
    ('dans 2 semaines', '2027-01-25 10:00'),
    ('dans deux semaines', '2027-01-25 10:00'),
    ('dans un mois', '2027-02-11 10:00'),
    ('dans 3 mois', '2027-04-11 10:00'),
    ('dans 2 heures', '2027-01-11 12:00'),
    ('dans 2h', '2027-01-11 12:00'),
    ('dans 1h30', '2027-01-11 11:30'),
    ('dans 30 minutes', '2027-01-11 10:30'),
    ('dans 45 min', '2027-01-11 10:45'),
    ('dans une heure', '2027-01-11 11:00'),
    ("d'ici 10 jours", '2027-01-21 10:00'),
    ('le 3 à 10h', '2027-02-03 10:00'),
    ('le 3', '2027-02-03 09:00'),
    ('le 15', '2027-01-15 09:00'),
    ('le 20 à 9h30', '2027-01-20 09:30'),
    ('le 1er à 14h', '2027-02-01 14:00'),
    ('le 11 à 18h', '2027-01-11 18:00'),
    ('le 3 mars à 10h30', '2027-03-03 10:30'),
    ('le 3 mars', '2027-03-03 09:00'),
    ('3 mars', '2027-03-03 09:00'),
    ('3 mars 2027', '2027-03-03 09:00'),
    ('3 mars 2027 14:00', '2027-03-03 14:00'),
    ('3 mars 2027 à 14h', '2027-03-03 14:00'),
    ('le 1er mars', '2027-03-01 09:00'),
    ('1er mars 10h', '2027-03-01 10:00'),
    ('le premier avril', '2027-04-01 09:00'),
    ('le 14 juillet 2027', '2027-07-14 09:00'),
    ('le 25 décembre', '2027-12-25 09:00'),
    ('le 2 janvier', '2028-01-02 09:00'),
    ('2 janvier 2028 10h', '2028-01-02 10:00'),
    ('le 31 janvier', '2027-01-31 09:00'),
    ('le 31 décembre 2027 à 23h', '2027-12-31 23:00'),
    ('le 15 août à 15h', '2027-08-15 15:00'),
    ('le 8 mai', '2027-05-08 09:00'),
    ('le 3 février à 9h', '2027-02-03 09:00'),
    ('mardi 3 février', '!ambigu'),
    ('mercredi 3 février', '2027-02-03 09:00'),
    ('mardi 2 mars 14h', '2027-03-02 14:00'),
    ('mercredi 13 janvier à 9h', '2027-01-13 09:00'),
    ('jeudi 14 janvier', '2027-01-14 09:00'),
    ('vendredi 15', '2027-01-15 09:00'),
    ('vendredi 15 à 10h', '2027-01-15 10:00'),
    ('lundi 1er février', '2027-02-01 09:00'),
    ('03/03/2027', '2027-03-03 09:00'),
    ('3/3/2027', '2027-03-03 09:00'),
    ('03/03', '2027-03-03 09:00'),
    ('15/01', '2027-01-15 09:00'),
    ('15/01/2027 14h', '2027-01-15 14:00'),
    ('15.01.2027', '2027-01-15 09:00'),
    ('2027-03-03', '2027-03-03 09:00'),
    ('2027-03-03 14:00', '2027-03-03 14:00'),
    ('fin janvier', '2027-01-31 23:59'),
    ('fin février', '2027-02-28 23:59'),
    ('fin mars 2027', '2027-03-31 23:59'),
    ('début février', '2027-02-01 09:00'),
    ('début mars', '2027-03-01 09:00'),
    ('mi-mars', '2027-03-15 09:00'),
    ('mi mars', '2027-03-15 09:00'),
    ('fin de semaine', '2027-01-15 17:00'),
    ('en fin de semaine', '2027-01-15 17:00'),
    ('semaine prochaine', '2027-01-18 09:00'),
    ('la semaine prochaine', '2027-01-18 09:00'),
    ('fin du mois', '2027-01-31 23:59'),
    ('mois prochain', '2027-02-01 09:00'),
    ('le mois prochain', '2027-02-01 09:00'),
    ("jusqu'au 15 mars", '2027-03-15 23:59'),
    ("jusqu'au 31 janvier", '2027-01-31 23:59'),
    ("jusqu'à vendredi", '2027-01-15 23:59'),
    ("aujourd'hui", '2027-01-11 23:59'),
    ("aujourd'hui 18h", '2027-01-11 18:00'),
    ("aujourd'hui à 15h30", '2027-01-11 15:30'),
    ('ce soir', '2027-01-11 18:00'),
    ('ce soir 20h', '2027-01-11 20:00'),
    ('ce matin', '!passé'),
    ('cet après-midi', '2027-01-11 14:00'),
    ('demain matin', '2027-01-12 09:00'),
    ('demain soir', '2027-01-12 18:00'),
    ('demain après-midi', '2027-01-12 14:00'),
    ('après-demain', '2027-01-13 09:00'),
    ('après-demain 9h', '2027-01-13 09:00'),
    ('après demain à 14h', '2027-01-13 14:00'),
    ('jeudi 9h du soir', '2027-01-14 21:00'),
    ("jeudi 3h de l'après-midi", '2027-01-14 15:00'),
    ('demain 8h du matin', '2027-01-12 08:00'),
    ('demain à 9', '2027-01-12 09:00'),
    ('le 3 à 10', '2027-02-03 10:00'),
    ('mardi 10h-12h', '2027-01-12 10:00 +120'),
    ('mardi de 10h à 12h', '2027-01-12 10:00 +120'),
    ('de 10h à 12h', '2027-01-12 10:00 +120'),
    ('10h-12h', '2027-01-12 10:00 +120'),
    ('jeudi 14h30-16h', '2027-01-14 14:30 +90'),
    ('demain 9h-17h', '2027-01-12 09:00 +480'),
    ('tomorrow 10am', '2027-01-12 10:00'),
    ('tomorrow at 3pm', '2027-01-12 15:00'),
    ('next thursday 2pm', '2027-01-14 14:00'),
    ('thursday 14:00', '2027-01-14 14:00'),
    ('March 3 at 10:30', '2027-03-03 10:30'),
    ('March 3rd 2027', '2027-03-03 09:00'),
    ('in 3 days', '2027-01-14 10:00'),
    ('in 2 hours', '2027-01-11 12:00'),
    ('today 5pm', '2027-01-11 17:00'),
    ('friday noon', '2027-01-15 12:00'),
    ('hier', '!passé'),
    ('hier 14h', '!passé'),
    ('avant-hier', '!passé'),
    ('lundi dernier', '!passé'),
    ('le 2 janvier 2027', '!passé'),
    ('le 10 janvier 2027 à 10h', '!passé'),
    ("aujourd'hui 9h", '!passé'),
    ('ce lundi 10h', '!passé'),
    ('mars', '!ambigu'),
    ('en mars', '!ambigu'),
    ('14', '!ambigu'),
    ('jeudi 25h', '!Heure impossible'),
    ('14h75', '!Heure impossible'),
    ('31 février', "!n'existe pas"),
    ('30/02/2027', "!n'existe pas"),
    ('le 32', "!n'existe pas"),
    ('le 3 mars à 25h', '!Heure impossible'),
    ('mardi 3 mars', '!ambigu'),
    ('samedi 28 mars 2027 2h30', '!ambigu'),
    ('dimanche 28 mars 2027 2h30', '!heure sautée'),
    ('dimanche 31 octobre 2027 2h30', '!deux fois'),
    ('demain jeudi', '!ambigu'),
    ('quand les poules auront des dents', '!Date non comprise'),
    ("n'importe quand", '!Date non comprise'),
    ('bientôt', '!Date non comprise'),
    ('10h-9h', "!à l'envers"),
]

ERRORS = {
    "passé": "tombe dans le passé",
    "ambigu": "est ambigu",
    "Heure impossible": "Heure impossible",
    "n'existe pas": "Cette date n'existe pas",
    "heure sautée": "l'heure sautée",
    "deux fois": "existe deux fois",
    "Date non comprise": "Date non comprise",
    "à l'envers": "Plage horaire à l'envers",
}


def shown(text: str, tz: str = PARIS, now: datetime = NOW) -> str:
    when = parse_span(text, tz, now)
    out = when.start.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    if when.duration:
        out += f" +{int(when.duration.total_seconds() // 60)}"
    return out


def test_the_table_is_large_enough() -> None:
    assert len(PHRASES) >= 150
    assert len({phrase for phrase, _ in PHRASES}) == len(PHRASES)


@pytest.mark.parametrize(("phrase", "expected"), PHRASES)
def test_french_phrase(phrase: str, expected: str) -> None:
    if expected.startswith("!"):
        with pytest.raises(UserError) as caught:
            parse_span(phrase, PARIS, NOW)
        message = translate("fr", caught.value.msgid, **caught.value.params)
        assert ERRORS[expected[1:]] in message
        assert phrase[:20] in message  # the message repeats what was typed
    else:
        assert shown(phrase) == expected


def test_what_dateparser_gets_wrong_is_right_here() -> None:
    # dateparser 1.5 with PREFER_DATES_FROM=future: None, 20:00, and past midnights
    assert shown("jeudi prochain à 14h") == "2027-01-14 14:00"
    assert shown("demain 10h") == "2027-01-12 10:00"
    assert shown("mardi 14h") == "2027-01-12 14:00"
    assert shown("lundi 9h") == "2027-01-18 09:00"


def test_a_past_date_says_what_was_understood() -> None:
    with pytest.raises(UserError) as caught:
        parse_when("le 10 janvier 2027 à 10h", PARIS, NOW)
    assert caught.value.params["compris"] == "dimanche 10 janvier 2027 à 10:00"


def test_times_are_read_in_the_typing_persons_zone() -> None:
    martinique = parse_when("jeudi 9h", "America/Martinique", NOW)
    assert martinique == datetime(2027, 1, 14, 13, 0, tzinfo=UTC)
    reunion = parse_when("demain 17h", "Indian/Reunion", NOW)
    assert reunion == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    # 14:00 UTC on Monday is 01:00 on Tuesday in Nouméa: "demain" there is Wednesday
    late = datetime(2027, 1, 11, 14, 0, tzinfo=UTC)
    assert parse_when("demain 9h", "Pacific/Noumea", late).astimezone(ZoneInfo("Pacific/Noumea")).day == 13


def test_summer_time_is_applied_on_the_right_side_of_the_change() -> None:
    before = parse_when("vendredi 26 mars 2027 14h", PARIS, NOW)
    after = parse_when("lundi 29 mars 2027 14h", PARIS, NOW)
    assert (before.hour, after.hour) == (13, 12)
    # Martinique has no summer time: same UTC hour both sides
    assert parse_when("lundi 29 mars 2027 9h", "America/Martinique", NOW).hour == 13


def test_a_range_is_refused_where_one_moment_is_expected() -> None:
    with pytest.raises(UserError) as caught:
        parse_when("mardi 10h-12h", PARIS, NOW)
    assert "plage horaire" in caught.value.msgid


def test_past_dates_are_allowed_when_asked() -> None:
    assert parse_when("hier 14h", PARIS, NOW, future=False) == datetime(2027, 1, 10, 13, 0, tzinfo=UTC)
    assert parse_when("le 2 janvier", PARIS, NOW, future=False).date().isoformat() == "2027-01-02"


def test_empty_input_explains_how_to_write_a_date() -> None:
    with pytest.raises(UserError) as caught:
        parse_when("   ", PARIS, NOW)
    assert "jeudi 14h" in caught.value.msgid


def test_whether_an_hour_was_typed_is_reported() -> None:
    assert parse_span("le 3 mars", PARIS, NOW).has_time is False
    assert parse_span("le 3 mars 10h", PARIS, NOW).has_time is True


@pytest.mark.parametrize(("text", "minutes"), [
    ("1h", 60), ("2h", 120), ("1h30", 90), ("1 h 30", 90), ("90 min", 90), ("45 minutes", 45), ("2 heures", 120),
    ("une heure", 60), ("1,5h", 90), ("30min", 30), ("90", 90), ("", 60),
])
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text, default=timedelta(hours=1)) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["beaucoup", "13h", "5 min", "h"])
def test_bad_durations_are_explained(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_duration(text)
    assert "1h30" in caught.value.msgid or "12 heures" in caught.value.msgid


def test_parsing_from_many_threads_gives_the_same_answers() -> None:
    phrases = [p for p, e in PHRASES if not e.startswith("!")]
    expected = {p: shown(p) for p in phrases}
    # "bientôt" goes to dateparser: mix it in so the shared parser is used concurrently too
    problems: list[str] = []

    def work() -> None:
        for phrase in phrases:
            if shown(phrase) != expected[phrase]:
                problems.append(phrase)
            try:
                parse_when("le lundi 15 mars 2027 à 14:00:00", PARIS, NOW)
            except UserError:
                problems.append("fallback")

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []

"""French date input: the table of what people type (`date_phrases`), the zones, summer time, ranges,
durations, and many threads at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar.dates import parse_duration, parse_span, parse_when
from handlers.core import UserError
from handlers.i18n import translate
from tests.handlers.calendar.date_phrases import NOW, PARIS, PHRASES

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

"""The Club's calendar: its programme file, the year generated from it, dates typed in French, the weekly
slot finder, the .ics feeds, my agenda, meeting agendas and the registration core other capabilities use.

- `programme`: the programme file (TOML) — `[club]`, phases, loading with errors that name the key;
- `programme_series`: a `[[series]]` of the file, the rules its events follow;
- `programme_schema`: the file's parts for sister formats (slots, roles, collective, cohort, seminar);
- `programme_fields`: the values the file writes again and again (hours, durations, zones…), checked once;
- `generation`: the year planned from the series, never on a public holiday of a covered territory;
- `date_words`: the words and patterns of French (and English) dates;
- `date_reader`: the reader of a typed date, what it understood and what it left;
- `dates`: `parse_when`, `parse_span`, `parse_duration`, the entry points for every verb that takes a date;
- `queries`: events as the other capabilities read, create and extend them;
- `display`: an event's line, its hour in every territory, the year's text;
- `calendar_views`: `/club calendrier [année]`, `/club calendrier ics` and `/club agenda`;
- `changes`: `/club deplacer` and `/club calendrier annuler`, one path for both;
- `ics`: the iCalendar feeds (the Club's, a group's);
- `creneau` and `slots`: `/club creneau`, the weekly slots that suit the most territories all year;
- `meeting_agenda`: a meeting's ordre du jour, `/club odj <n>`, and its text for the reminders;
- `meeting_agenda_edits`: the `odj` subcommands that change it (ajouter, deplacer, duree, retirer…);
- `registrations`: seats, waitlist and guests of any event that takes registrations;
"""

"""The .ics feeds over real HTTP, from the running web server, as a calendar application fetches them."""

from __future__ import annotations

from icalendar import Calendar

from tests.support.slack import running_slack_bot


def test_calendar_ics_imports_cleanly(database_url: str, clock) -> None:
    with running_slack_bot(database_url, clock=clock, public_url="https://club.example.fr") as slack:
        slack.api.add_user("UADMIN01", "Camille")
        assert "#1 jeu. 21 janv." in slack.command("calendrier 2027", user="UADMIN01").json()["text"]
        links = slack.command("calendrier ics").json()["text"]
        assert "https://club.example.fr/calendar.ics" in links

        response = slack.http.get("/calendar.ics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        cal = Calendar.from_ical(response.content)
        assert cal["VERSION"] == "2.0" and cal.walk("VTIMEZONE")
        assert len(cal.walk("VEVENT")) == 26
        assert b"webconf" not in response.content
        again = slack.http.get("/calendar.ics")
        assert again.content == response.content  # nothing changed: the same bytes, the same UIDs

        group = slack.http.get("/calendar/groupe-2.ics")
        assert group.status_code == 200
        assert all("Groupes de travail" in str(e["SUMMARY"]) for e in Calendar.from_ical(group.content).walk("VEVENT"))
        assert slack.http.get("/calendar/groupe-x.ics").status_code == 404

"""The Club's public page (`GET /`), in a real headless browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.platforms.console import Console
from bot.settings import load_settings
from bot.web import BackgroundServer, create_app
from storage.groups import APPROVED, BLOCKED, Consultation, DecisionNote, Group

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PRIVATE = ("webconf.example", "Secret de séance", "Brouillon bloqué", "camille", "Relevé")


@pytest.fixture
def site(database_url: str, clock) -> Iterator[str]:
    from bot.runtime import build_service

    settings = load_settings(database_url=database_url, club_admins="console:camille")
    service = build_service(settings, clock=clock, migrate=False)
    Console(service, user="camille").run_line("/club calendrier")  # the year's programme, REX visio links included
    with service.db.transaction() as session:
        group = Group(club_id=service.club_id, number=1, title="Accueil des agents", description="")
        session.add(group)
        session.flush()
        session.add(DecisionNote(group_id=group.id, consensus="Secret de séance", confidential=True))
        for number, title, outcome in ((1, "Guide de l'accueil", APPROVED), (2, "Brouillon bloqué", BLOCKED)):
            session.add(Consultation(club_id=service.club_id, number=number, group_id=group.id, title=title,
                                     link=f"https://exemple.fr/livrable-{number}", outcome=outcome,
                                     deadline=clock.now + timedelta(days=1), closed_at=clock.now))
    with BackgroundServer(create_app(settings, service)) as server:
        yield server.url
    service.db.dispose()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def first_time(html: str) -> str:
    return re.search(r'<time class="when"[^>]*>([^<]+)</time>', html).group(1)


def test_the_page_shows_the_programme_and_the_territory_switch_changes_the_times(site: str, page: Page) -> None:
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Club des territoires")
    expect(page.get_by_role("table")).to_contain_text("Retour d'expérience")
    expect(page.get_by_role("link", name="Guide de l'accueil")).to_have_attribute("href", "https://exemple.fr/livrable-1")
    expect(page.locator("#ics")).to_have_attribute("href", re.compile(r"/calendar\.ics$"))
    times = page.locator("time.when").first
    paris = times.inner_text()

    zone = page.get_by_label("Afficher les heures de")  # the select has a real label
    zone.focus()
    zone.select_option(label="Martinique")
    expect(times).not_to_have_text(paris, timeout=15_000)  # a loaded machine may take more than the default 5 s
    expect(page.get_by_role("status")).to_have_text("Heures affichées : Martinique", timeout=15_000)
    assert "fuseau=America%2FMartinique" in page.url or "fuseau=America/Martinique" in page.url
    # Without JavaScript the form gives the same times: the server renders them for ?fuseau=.
    assert times.inner_text() == first_time(httpx.get(site + "/", params={"fuseau": "Martinique"}).text)

    content = page.content()
    for secret in PRIVATE:
        assert secret not in content


def test_without_javascript_the_query_parameter_chooses_the_territory(site: str) -> None:
    paris = httpx.get(site + "/").text
    noumea = httpx.get(site + "/", params={"fuseau": "Nouméa"}).text
    assert first_time(paris) != first_time(noumea)
    assert '<option value="Pacific/Noumea" selected>' in noumea
    english = httpx.get(site + "/", params={"lang": "en"}).text
    assert '<html lang="en">' in english and "Show times for" in english
    for secret in PRIVATE:
        assert secret not in paris and secret not in english

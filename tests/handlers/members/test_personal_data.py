"""Members' data under their control: `moi donnees` sends everything the bot holds on me, `moi effacer`
erases it after a confirmation (the Club's records staying, under no name), and a facilitator erases a guest's."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from bot.platforms.console import Console, SimulatedClock
from handlers import Command, Service, Visibility
from handlers.members.data import NAMED_BY
from handlers.members.erase import ERASED_BY
from handlers.polls.votes import non_voters
from storage.groups import DecisionNote
from storage.models import Member
from storage.outbox import OutboxMessage
from storage.polls import Poll, Vote
from storage.registrations import Registration
from storage.reminders import Reminder
from storage.schema import metadata
from tests.handlers.groups.support import run, two_groups


def console_of(service: Service, user: str = "camille") -> Console:
    """A console whose clock is the Service's: what a command queued is sent at once, as people see it."""
    clock = SimulatedClock()
    clock.fixed = service.clock()
    return Console(service, user=user, clock=clock)


def groups_of(club: Service) -> Console:
    """`two_groups`, then the console on the Service's clock."""
    console = two_groups(club)
    console.clock.fixed = club.clock()
    return console


def join_rex(console: Console, user: str) -> int:
    """`user` registers for the next REX; its number (a Club with groups numbered their sessions first)."""
    console.run_line(f":as {user}")
    return int(re.search(r"au REX #(\d+)", console.run_line("/club rex inscrire")).group(1))


def say(service: Service, user: str, text: str):
    """A command through the Service, as a platform hands it: every reply, the answer among them."""
    mentions = {name: name for name in re.findall(r"@([\w.\-]+)", text)}
    text = re.sub(r"@([\w.\-]+)", r"<@\1>", text)
    return service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                          text=text, received_at=service.clock(), mentions=mentions))


def table(text: str) -> str:
    return text.split("```")[1]


def exported(service: Service, user: str) -> tuple[dict, str]:
    replies = say(service, user, "moi donnees")
    assert [r.text for r in replies.answer] == ["Vos données vous sont envoyées en message privé : un fichier texte "
                                                "et un fichier JSON."]
    [private] = [r for r in replies if r.attachments]
    assert private.visibility == Visibility.DM and private.user == user
    files = {a.filename.rsplit(".", 1)[1]: a for a in private.attachments}
    assert files["json"].mime == "application/json" and files["txt"].mime == "text/plain"
    return json.loads(files["json"].content), files["txt"].content


def member_row(service: Service, user: str) -> Member | None:
    with service.db.transaction() as session:
        return session.scalar(select(Member).where(Member.platform_user_id == user))


def test_my_data_holds_what_names_me_and_nothing_of_others(club: Service) -> None:
    console = groups_of(club)  # lea: referent of group 1, who invited gilles there
    run(console, "lea", "/club institution DREETS Martinique")
    run(console, "lea", "/club decision 1 consensus: guichet unique dissensus: calendrier suite: note au comité")
    rex = join_rex(console, "lea")
    run(console, "lea", f"/club rex invite {rex} Jeanne Martin, Mairie de Cayenne")
    run(console, "lea", '/club sondage "Quel jour ?" "Mardi" "Jeudi"')  # m…: the options follow the header
    opened = run(console, "camille", '/club sondage "Quel thème ?" "Eau" "Santé"')
    eau = re.search(r"\[(m\d+)\] #club \| 1\. Eau", opened).group(1)
    run(console, "lea", f":react {eau} +1")

    data, text = exported(club, "lea")
    assert data["profil"] | {"premier_contact": None} == {
        "plateforme": "console", "identifiant": "lea", "nom": "lea", "institution": "DREETS Martinique",
        "fuseau": "Europe/Paris", "langue": None, "role": "membre", "premier_contact": None}
    assert [(r["groupe"], r["mode"]) for r in data["groupes"]] == [("#1 Accueil des publics", "continu")]
    assert [r["groupe"] for r in data["referent"]] == ["#1 Accueil des publics"]
    assert [(r["nom"], r["qualite"]) for r in data["invites_groupes"]] == [("gilles", "élu")]
    assert [(r["consensus"], r["dissensus"], r["suite"]) for r in data["releves"]] == \
        [("guichet unique", "calendrier", "note au comité")]
    assert [(r["evenement"], r["etat"]) for r in data["inscriptions"]] == [(f"#{rex} Retour d'expérience", "confirmed")]
    assert [(r["nom"], r["institution"]) for r in data["invites"]] == [("Jeanne Martin", "Mairie de Cayenne")]
    assert [r["question"] for r in data["sondages"]] == ["Quel jour ?"]
    assert [(r["sur"], r["option"], r["valeur"]) for r in data["votes"]] == [("#2 Quel thème ?", "Eau", "+1")]
    assert {r["etape"] for r in data["rappels"]} == {"j1", "h1"}  # the REX's reminders, to come
    assert data["inscriptions"][0]["date"] == "2027-01-11T09:00:00+00:00"  # ISO 8601, UTC
    assert "karim" not in json.dumps(data) and "nina" not in json.dumps(data)  # the co-referent, a member

    assert "Relevés de décisions que vous avez écrits (1)" in text
    assert "Consensus : guichet unique · Dissensus : calendrier · Suite : note au comité" in text
    assert f"Événement : #{rex} Retour d'expérience · Début : 21 janvier 2027 14:00 · État : inscrit·e" in text
    assert "Sondages que vous avez ouverts (1)" in text and "Vos ateliers" not in text  # empty: left out


def test_my_data_in_english_for_an_english_reader(service: Service) -> None:
    say(service, "john", "langue en")
    say(service, "john", "rex inscrire")
    replies = say(service, "john", "me data")
    assert replies.answer[0].text == "Your data is on its way as a direct message: a text file and a JSON file."
    [private] = [r for r in replies if r.attachments]
    assert "held by club-bot (Club des territoires)" in private.text
    text = next(a.content for a in private.attachments if a.filename.endswith(".txt"))
    assert "Your registrations (1)" in text and "State: registered" in text
    assert "Vos inscriptions" not in text


def test_the_messages_meant_for_me_are_listed_then_erased(service: Service) -> None:
    console = console_of(service, "lea")
    console.run_line("/club moi donnees")  # sent, with its two files
    data, _text = exported(service, "lea")
    [sent] = [m for m in data["messages"] if m["fichiers"]]
    assert sent["etat"] == "sent" and "Vos données personnelles" in sent["texte"]
    assert sorted(sent["fichiers"]) == ["club-bot-mes-donnees-2027-01-11.json", "club-bot-mes-donnees-2027-01-11.txt"]
    assert "premier_contact" not in json.dumps(data["messages"])  # a file's name, never its content again
    console.run_line('/club sondage "Quel jour ?" "Mardi" "Jeudi"')  # posted in the Club's channel
    console.run_line("/club moi effacer confirmer")
    with service.db.transaction() as session:
        left = session.execute(select(OutboxMessage.user_id, OutboxMessage.reply).order_by(OutboxMessage.id)).all()
    assert [reply["text"].split("\n")[0] for _user, reply in left] == ["📊 **Sondage #1** — Quel jour ? (par lea)",
                                                                     "**1.** Mardi", "**2.** Jeudi"]
    assert {user for user, _reply in left} == {None}  # posted for the Club: kept, no longer saying who acted


def test_erasing_asks_first_and_nothing_goes_until_confirmed(service: Service) -> None:
    console = console_of(service, "lea")
    console.run_line("/club institution DREETS Martinique")
    warned = console.run_line("/club moi effacer")
    assert "Effacer vos données de club-bot — c'est définitif." in warned
    assert "Ce qui est effacé :" in warned and "Ce qui reste, sans votre nom :" in warned
    assert "vos votes dans les sondages clos, toujours comptés" in warned
    assert "[Effacer mes données] [Annuler]" in warned
    assert "Écrivez `/club moi effacer`" in console.run_line("/club moi effacer tout")
    ref = re.search(r"\[(m\d+)\] \(pour lea\) Effacer", warned).group(1)
    assert "Rien n'a été effacé." in console.run_line(f":click {ref} Annuler")
    assert member_row(service, "lea").institution_id is not None

    console.run_line(":as bob")
    assert "Ce bouton n'est plus actif." in console.run_line(f":click {ref} Effacer mes données")  # not bob's
    assert member_row(service, "lea").erased_at is None

    console.run_line(":as lea")
    done = console.run_line(f":click {ref} Effacer mes données")
    assert "C'est fait : club-bot a effacé vos données" in done
    assert member_row(service, "lea") is None
    profile = console.run_line("/club moi")  # someone new to the bot
    assert "Institution : non renseignée" in profile


def test_a_closed_poll_keeps_its_tally_without_the_name_and_an_open_poll_loses_the_vote(service: Service) -> None:
    console = console_of(service, "camille")
    first = console.run_line('/club sondage "Thème 2027 ?" "Eau" "Santé"')
    eau, sante = re.findall(r"\[(m\d+)\] #club \| \d\. ", first)
    for user, moves in (("lea", (f":react {eau} +1",)), ("bob", (f":react {eau} +1", f":react {sante} +1"))):
        console.run_line(f":as {user}")
        for move in moves:
            console.run_line(move)
    console.run_line(":as camille")
    closed = table(console.run_line("/club cloturer 1"))
    second = console.run_line('/club sondage "Date de la rencontre ?" "Mardi" "Jeudi"')
    mardi = re.findall(r"\[(m\d+)\] #club \| \d\. ", second)[0]
    for user in ("lea", "bob"):
        console.run_line(f":as {user}")
        console.run_line(f":react {mardi} +1")
    assert "2 votant·e(s)." in console.run_line("/club resultats 2")

    console.run_line(":as lea")
    assert "C'est fait" in console.run_line("/club moi effacer confirmer")

    console.run_line(":as camille")
    after = console.run_line("/club resultats 1")
    assert table(after) == closed and "2 votant·e(s)." in after  # the decision stands
    provisional = console.run_line("/club resultats 2")
    assert "1 votant·e(s)." in provisional and re.search(r"Mardi\s+1\s", table(provisional))
    with service.db.transaction() as session:
        voters = session.scalars(select(Member.display_name).join(Vote, Vote.voter_id == Member.id)
                                 .join(Poll, Poll.id == Vote.poll_id).where(Poll.number == 1)).all()
        platform_ids = set(session.scalars(select(Member.platform_user_id)))
    assert sorted(voters) == ["bob", "bob", "membre effacé·e"]
    assert "lea" not in platform_ids


def test_an_erased_member_is_never_nudged_to_vote(service: Service) -> None:
    console = console_of(service, "camille")
    console.run_line('/club sondage "Atelier ?" "Matin" "Après-midi" --ouvert')  # open to participants too
    for user in ("lea", "bob"):
        console.run_line(f":as {user}")
        console.run_line("/club moi")
    console.run_line(":as lea")
    console.run_line("/club moi effacer confirmer")
    with service.db.transaction() as session:
        poll = session.scalar(select(Poll.id).where(Poll.number == 1))
        assert sorted(m.display_name for m in non_voters(session, poll)) == ["bob", "camille"]


def test_a_poll_weighed_by_institution_keeps_its_result(service: Service) -> None:
    console = console_of(service, "lea")
    console.run_line("/club institution DEETS Martinique")
    console.run_line(":as bob")
    console.run_line("/club institution DEETS Martinique")
    console.run_line(":as kevin")
    console.run_line("/club institution ARS Guyane")
    opened = console.run_line('/club sondage "Priorité ?" "Eau" "Santé" --par-institution')
    eau, sante = re.findall(r"\[(m\d+)\] #club \| \d\. ", opened)
    for user, ref in (("lea", eau), ("bob", sante), ("kevin", eau)):
        console.run_line(f":as {user}")
        console.run_line(f":react {ref} +1")
    console.run_line(":as kevin")
    closed = table(console.run_line("/club cloturer 1"))
    console.run_line(":as lea")
    console.run_line("/club moi effacer confirmer")
    console.run_line(":as kevin")
    assert table(console.run_line("/club resultats 1")) == closed
    console.run_line(":as bob")
    assert "Vous êtes seul·e pour l'instant" in console.run_line("/club institution DEETS Martinique")


def test_my_seat_goes_to_the_waitlist_and_my_reminders_go(service: Service) -> None:
    console = console_of(service, "camille")
    console.run_line("/club rex capacite 1 1")
    console.run_line(":as lea")
    console.run_line("/club rex inscrire 1")
    console.run_line(":as bob")
    assert "liste d'attente" in console.run_line("/club rex inscrire 1")
    lea = member_row(service, "lea")
    console.run_line(":as lea")
    console.run_line("/club moi effacer confirmer")
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Reminder).where(Reminder.member_id == lea.id)) == 0
        assert session.scalar(select(func.count()).select_from(Registration)
                              .where(Registration.member_id == lea.id)) == 0
    console.run_line(":as bob")
    assert "Vous êtes inscrit·e." in console.run_line("/club rex")


def test_a_referent_s_notes_stay_the_group_s_record(club: Service) -> None:
    console = groups_of(club)
    run(console, "lea", "/club decision 1 consensus: guichet unique dissensus: calendrier")
    run(console, "lea", "/club moi effacer confirmer")
    notes = run(console, "fanny", "/club decisions 1")
    assert "— #1 Accueil des publics" in notes and "guichet unique" in notes and "lea" not in notes
    with club.db.transaction() as session:
        assert session.scalars(select(DecisionNote.author_id)).all() == [None]
    assert "karim" in run(console, "fanny", "/club groupes") and "lea" not in run(console, "fanny", "/club groupes")


def test_the_last_admin_names_another_before_erasing(service: Service) -> None:
    console = console_of(service, "camille")
    refused = console.run_line("/club moi effacer")
    assert "dernier ou la dernière admin du Club" in refused and "[Effacer mes données]" not in refused
    assert "dernier ou la dernière admin" in console.run_line("/club moi effacer confirmer")
    console.run_line("/club role @dominique admin")
    assert "C'est fait" in console.run_line("/club moi effacer confirmer")


def test_a_facilitator_erases_a_guest_on_request(club: Service) -> None:
    console = groups_of(club)
    rex = join_rex(console, "lea")
    run(console, "camille", f"/club rex capacite {rex} 2")
    run(console, "lea", f"/club rex invite {rex} Jeanne Martin, Mairie de Cayenne")
    run(console, "bob", f"/club rex invite {rex} Jeanne Martin, ARS Guyane")  # a namesake, on the waitlist
    run(console, "lea", "/club groupe inviter 1 Jeanne Martin, élue")
    assert "réservée aux personnes ayant le rôle « facilitateur »" in run(console, "lea", "/club rex effacer Jeanne Martin")
    ambiguous = run(console, "fanny", "/club rex effacer Jeanne Martin")
    assert "Plusieurs invité·es s'appellent « Jeanne Martin » (ARS Guyane, Mairie de Cayenne)" in ambiguous
    done = run(console, "fanny", "/club rex effacer jeanne martin, mairie de cayenne")
    assert "les données de Jeanne Martin sont effacées (1 inscription(s), 1 invitation(s) à un groupe de travail)" \
        in done
    assert "✉ bob : 🎉 Une place s'est libérée : votre invité·e Jeanne Martin (ARS Guyane)" in done
    attendance = run(console, "fanny", f"/club rex presences {rex}")
    assert "Mairie de Cayenne" not in attendance and "ARS Guyane" in attendance
    assert "Jeanne Martin" not in run(console, "fanny", "/club groupes")
    assert "Aucun·e invité·e « Paul Durand »" in run(console, "fanny", "/club rex effacer Paul Durand")


def test_a_misspelt_subcommand_of_moi_is_told(service: Service) -> None:
    console = console_of(service, "lea")
    assert "Vouliez-vous dire `/club moi donnees`" in console.run_line("/club moi donnes")
    assert "Votre profil — lea" in console.run_line("/club moi")


def test_every_column_naming_a_member_is_exported_and_erased() -> None:
    """A table added later that names a member must say what export and erasure do with it."""
    naming = {f"{table.name}.{column.name}" for table in metadata.tables.values() for column in table.columns
              if any(fk.column.table.name == "members" for fk in column.foreign_keys)}
    assert naming == NAMED_BY
    assert naming == ERASED_BY

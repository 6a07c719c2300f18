"""Working groups as people use them in the console: retained themes, referents, members, guests, rights."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.platforms.console import Console
from handlers import Service
from handlers.events import ThemesRetained
from storage.calendar import Event
from storage.groups import Group
from tests.conftest import FakeClock
from tests.handlers.groups.support import run, say, two_groups

REFUSALS = ("Réservé aux référent·es", "Cette commande est réservée", "Seul·es les référent·es",
            "votre avis n'est pas demandé")


def refused(answer: str) -> bool:
    assert "Désolé" not in answer, answer
    return any(marker in answer for marker in REFUSALS)


def test_the_issue_conversation_in_the_console(club: Service, clock: FakeClock) -> None:
    console = Console(club, user="camille")
    announce = console.run_line("/club retenir-test")
    assert "#club | Nouveaux groupes de travail" in announce
    assert "#1 Accueil des publics" in announce and "#2 Données partagées" in announce
    assert "Référent·es du groupe #1 Accueil des publics : lea, karim." in console.run_line(
        "/club groupe referents 1 @lea @karim")
    console.run_line("/club groupe referents 2 @paul @sophie")
    assert "Vous faites partie du groupe #1" in run(console, "nina", "/club groupe rejoindre 1 ponctuel")
    assert "Marie Curie (chercheuse) est invité·e au groupe #1" in run(
        console, "lea", "/club groupe inviter 1 Marie Curie, chercheuse")
    secret = console.run_line("/club decision 1 consensus: fusion des guichets dissensus: calendrier "
                              "suite: note au comité --confidentiel")
    assert "(pour lea)" in secret and "🔒" in secret and "#club |" not in secret
    public = console.run_line("/club decision 1 consensus: partager les fiches réflexes suite: atelier en mai")
    assert "(pour lea)" in public and "partager les fiches réflexes" in public

    other = run(console, "paul", "/club decisions 1")
    assert "partager les fiches réflexes" in other and "fusion des guichets" not in other
    inside = run(console, "nina", "/club decisions 1")
    assert "partager les fiches réflexes" in inside and "fusion des guichets" in inside

    listing = run(console, "karim", "/club groupes")
    assert "• Référent·es : karim, lea" in listing and "nina (ponctuel)" in listing
    assert "Marie Curie (chercheuse)" in listing

    opened = run(console, "lea", "/club diffusion 1 Fiches réflexes https://exemple.fr/fiches "
                                 "jusqu'au 20 janvier à 18h")
    assert "Consultation n° 1 ouverte jusqu'au mercredi 20 janvier 2027 à 18:00" in opened
    assert "#club | Consultation n° 1" in opened and "[Accord] [Abstention] [Objection]" in opened
    ref = re.search(r"\[(m\d+)\] #club \| Consultation", opened).group(1)
    assert "Avis enregistré" in run(console, "paul", f":click {ref} Accord")
    assert "Une objection doit être motivée" in run(console, "sophie", f":click {ref} Objection")
    assert "1 accord(s), 0 abstention(s), 1 objection(s)" in console.run_line(
        "/club diffusion objection 1 une commune est nommée")
    assert "Avis enregistré" in run(console, "sophie", "/club diffusion accord 1")  # she changes her mind

    clock.now = datetime(2027, 1, 21, 9, 0, tzinfo=UTC)
    console.run_line(":now 2027-01-21T09:00")
    closed = console.run_line(":tick")
    assert "#club | Diffusion — consultation n° 1 close" in closed
    assert "Résultat : diffusion approuvée ✅" in closed and "2 accord(s)" in closed
    assert console.run_line(":tick") == ""
    assert "Fiches réflexes : https://exemple.fr/fiches" in console.run_line("/club diffusion")
    club_posts = [line for line in console.lines if "#club |" in line]
    assert not any("fusion des guichets" in line for line in club_posts)


def test_a_theme_retained_twice_makes_one_group(club: Service) -> None:
    console = Console(club, user="camille")
    console.run_line("/club retenir-test 101")
    assert console.run_line("/club retenir-test 101") == ""  # nothing new, nothing announced
    with club.db.transaction() as session:
        ctx = club._context(session, "console", "camille", "camille", "club", None, None, {})
        replies = ctx.emit(ThemesRetained(themes=((101, "Accueil", ""), (103, "Mobilité", ""))))
    assert len(replies) == 1 and "#2 Mobilité" in replies[0].text and "Accueil" not in replies[0].text
    with club.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Group)) == 2
        assert session.scalar(select(Group.number).where(Group.source_proposal_id == 103)) == 2


def test_facilitators_create_groups_outside_the_call(club: Service) -> None:
    console = Console(club, user="fanny")
    assert "Cette commande est réservée" in console.run_line("/club groupe creer Séminaire")
    run(console, "camille", "/club role @fanny facilitateur")
    created = run(console, "fanny", "/club groupe creer Séminaire des territoires pilotes")
    assert "Groupe #1 Séminaire des territoires pilotes créé" in created
    assert "Indiquez le titre" in console.run_line("/club groupe creer")


def test_two_or_three_referents_who_are_club_members(club: Service) -> None:
    console = two_groups(club)
    rule = "Un groupe a 2 ou 3 référent·es (binôme ou trinôme), membres du Club"
    one = console.run_line("/club groupe referents 1 @lea")
    assert "1 personne(s) mentionnée(s)" in one and rule in one
    four = console.run_line("/club groupe referents 1 @lea @karim @nina @paul")
    assert "4 personne(s)" in four and rule in four
    assert "1 personne(s)" in console.run_line("/club groupe referents 1 @lea @lea")
    guest = console.run_line("/club groupe referents 1 @lea @gilles")
    assert "gilles n'est pas membre du Club" in guest and rule in guest
    assert "lea, karim, nina" in console.run_line("/club groupe referents 1 @lea @karim @nina")
    assert "lea, nina" in console.run_line("/club groupe referents 1 @lea @nina")
    assert "• Référent·es : lea, nina" in console.run_line("/club groupes")
    assert "Pas de groupe n° 9" in console.run_line("/club groupe referents 9 @lea @nina")
    # karim, no longer a referent, stays a member and may leave; a referent may not.
    assert "Vous avez quitté le groupe #1" in run(console, "karim", "/club groupe quitter 1")
    assert "demandez d'abord à l'équipe d'animation" in run(console, "lea", "/club groupe quitter 1")


def test_joining_modes_guests_and_mistakes(club: Service) -> None:
    console = two_groups(club)
    assert "(continu)" in run(console, "bob", "/club groupe rejoindre 2")
    assert "(ponctuel)" in console.run_line("/club groupe rejoindre 2 ponctuel")
    assert "Participation inconnue" in console.run_line("/club groupe rejoindre 2 parfois")
    assert "Indiquez le numéro du groupe" in console.run_line("/club groupe rejoindre")
    assert "Vous n'êtes pas membre du groupe #1" in console.run_line("/club groupe quitter 1")
    profile = console.run_line("/club moi")
    assert "• Groupes : #2 Données partagées (ponctuel)" in profile
    assert "Écrivez le nom puis, après une virgule" in run(console, "lea", "/club groupe inviter 1 Jean Dupont")
    assert "de façon continue" in console.run_line("/club groupe inviter 1 Jean Dupont, expert continu")
    assert "(invité·e)" in run(console, "gilles", "/club moi")


def test_group_alone_or_with_an_unknown_word_says_what_it_can_do(club: Service) -> None:
    console = two_groups(club)
    alone = run(console, "nina", "/club groupe")
    assert "Que voulez-vous faire dans un groupe de travail ? Par exemple :" in alone
    for example in ("/club groupe rejoindre 1 continu", "/club groupe quitter 1", "/club groupe referents 1 @lea",
                    "/club groupe inviter 1 Marie Curie", "/club groupe canal 1", "/club groupe creer Séminaire"):
        assert example in alone, example
    assert "`/club aide groupe`" in alone
    assert "Sous-commande inconnue : « danser ». Tapez `/club aide groupe`." in console.run_line("/club groupe danser 1")
    assert "Vouliez-vous dire `/club groupe rejoindre`" in console.run_line("/club groupe rejoidre 1")
    assert "Vouliez-vous dire `/club groupe rejoindre`" in console.run_line("/club groupe 1 rejoidre")
    assert "Que voulez-vous faire dans un groupe de travail ?" in console.run_line("/club groupe 1")
    assert "Sous-commande inconnue : « tous »" in console.run_line("/club groupes tous")
    assert "Vouliez-vous dire `/club groupes bilan`" in console.run_line("/club groupes bilann")


def test_subcommands_answer_to_english_and_after_the_group_number(club: Service) -> None:
    console = two_groups(club)
    assert "Vous faites partie du groupe #2 Données partagées (ponctuel)" in run(
        console, "bob", "/club group join 2 punctual")
    assert "(continu)" in console.run_line("/club groupe 2 rejoindre continu")
    assert "Vous avez quitté le groupe #2" in console.run_line("/club group leave 2")
    assert "Bilan des groupes de travail" in run(console, "fanny", "/club groups overview")
    assert "Groupe #3 Comité de suivi créé" in console.run_line("/club group create Comité de suivi")
    assert "Référent·es du groupe #3 Comité de suivi : lea, paul." in console.run_line(
        "/club groupe 3 referents @lea @paul")
    assert "est invité·e au groupe #3" in run(console, "lea", "/club group invite 3 Jean Dupont, élu")
    assert "désormais celui du groupe #3" in say(club, "paul", "groupe salon 3", channel="G3")
    assert "désormais celui du groupe #3" in say(club, "paul", "group channel 3", channel="G3")


def test_help_details_each_subcommand_and_its_role(club: Service) -> None:
    console = two_groups(club)
    details = run(console, "nina", "/club aide groupe")
    for line in ("/club groupe rejoindre (join) : Rejoindre un groupe", "/club groupe quitter (leave)",
                 "/club groupe referents : Désigner les 2 ou 3 référent·es", "/club groupe inviter (invite)",
                 "/club groupe canal (salon, channel)", "/club groupe creer (create)"):
        assert line in details, line
    assert details.count("Réservé au rôle « facilitateur » et au-delà.") == 2  # referents, creer
    assert details.count("Réservé au rôle « membre » et au-delà.") == 1  # rejoindre
    join = console.run_line("/club aide groupe rejoindre")
    assert "`/club groupe rejoindre <n> [ponctuel|continu]`" in join and "Réservé au rôle « membre »" in join
    assert "/club groupes bilan (overview)" in console.run_line("/club aide groupes")
    run(console, "ines", "/club langue en")
    english = console.run_line("/club help group")
    assert "/club groupe rejoindre (join) : Join a group, continuously (by default) or now and then." in english


def test_groups_created_at_the_same_instant_get_distinct_numbers(club: Service) -> None:
    """On PostgreSQL, simultaneous creations read the same highest number: one wins it, the others take the
    next; so do the calendar numbers of their sessions."""
    console = two_groups(club)
    people = ["camille", "fanny", "hugo", "ines"]
    for user in ("hugo", "ines"):
        console.run_line(f"/club role @{user} facilitateur")
    start = threading.Barrier(len(people))
    answers: dict[str, str] = {}

    def create(user: str) -> None:
        start.wait()
        answers[user] = say(club, user, f"groupe creer Groupe de {user}")

    threads = [threading.Thread(target=create, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = sorted(int(re.search(r"Groupe #(\d+) Groupe de \w+ créé", answer).group(1)) for answer in answers.values())
    assert numbers == [3, 4, 5, 6], answers
    with club.db.transaction() as session:
        assert sorted(session.scalars(select(Group.number))) == [1, 2, 3, 4, 5, 6]
        sessions = session.scalars(select(Event.number).where(Event.group_id.is_not(None))).all()
        assert len(sessions) == 6 * 4 and len(set(sessions)) == len(sessions)


def test_a_group_channel_is_never_the_club_channel(club: Service) -> None:
    two_groups(club)
    assert "Ce salon est celui du Club" in say(club, "lea", "groupe canal 1", channel="club")
    assert "Réservé aux référent·es" in say(club, "nina", "groupe canal 1", channel="G1")
    assert "désormais celui du groupe #1" in say(club, "lea", "groupe canal 1", channel="G1")


# Who may do what: member of group 1 (nina), referent of group 2 (paul), participant invited to group 1
# (gilles), facilitator (fanny), referent of group 1 (lea).
MATRIX = [
    ("groupes", {"nina", "paul", "gilles", "fanny", "lea"}),
    ("groupes bilan", {"fanny"}),
    ("groupe creer Nouveau groupe", {"fanny"}),
    ("groupe rejoindre 1", {"nina", "paul", "fanny", "lea"}),
    ("groupe 1 rejoindre ponctuel", {"nina", "paul", "fanny", "lea"}),
    ("groupe quitter 2", {"nina", "paul", "gilles", "fanny", "lea"}),
    ("groupe referents 1 @lea @karim", {"fanny"}),
    ("groupe inviter 1 Jean Dupont, élu", {"fanny", "lea"}),
    ("decision 1 consensus: un accord", {"fanny", "lea"}),
    ("decision 1", {"fanny", "lea"}),
    ("decisions 1", {"nina", "paul", "gilles", "fanny", "lea"}),
    ("decisions 1 export", {"fanny", "lea"}),
    ("decisions export 1 --complet", {"fanny", "lea"}),
    ("diffusion 1 Guide https://exemple.fr/guide", {"lea"}),
    ("diffusion", {"nina", "paul", "gilles", "fanny", "lea"}),
]


@pytest.mark.parametrize(("command", "allowed"), MATRIX, ids=[c for c, _ in MATRIX])
def test_permission_matrix(club: Service, command: str, allowed: set[str]) -> None:
    console = two_groups(club)
    for user in ("nina", "paul", "gilles", "fanny", "lea"):
        answer = run(console, user, "/club " + command)
        assert refused(answer) == (user not in allowed), (user, answer)


def test_permission_matrix_of_group_channels_and_consultations(club: Service) -> None:
    console = two_groups(club)
    for user in ("nina", "paul", "gilles"):
        assert refused(say(club, user, "groupe canal 1", channel="G1")), user
    for user in ("fanny", "lea"):
        assert not refused(say(club, user, "groupe canal 1", channel="G1")), user
    run(console, "lea", "/club diffusion 1 Guide https://exemple.fr/guide")
    for user in ("nina", "paul", "fanny", "lea"):
        assert not refused(run(console, user, "/club diffusion abstention 1")), user
    assert refused(run(console, "gilles", "/club diffusion accord 1"))
    for user in ("nina", "paul", "gilles", "lea"):
        assert refused(run(console, user, "/club diffusion cloturer 1")), user
    assert not refused(run(console, "fanny", "/club diffusion cloturer 1"))


def test_each_group_has_its_sessions_which_its_referents_move(club: Service, clock: FakeClock) -> None:
    console = two_groups(club)  # 11 January 2027: the groups meet from March, third week, 14:00 Paris
    listing = console.run_line("/club groupes")
    assert listing.count("• Prochaine séance : mardi 16 mars 2027 à 14:00") == 2
    assert "• Séances : 0 tenue(s), 4 à venir" in console.run_line("/club groupes bilan")

    def session_number(user: str, group_title: str) -> str:
        agenda = run(console, user, "/club agenda")
        found = re.search(r"#(\d+) [^\n]*— Groupes de travail thématiques — " + group_title, agenda)
        assert found, agenda
        return found.group(1)

    first, second = session_number("nina", "Accueil des publics"), session_number("paul", "Données partagées")
    nina_agenda = run(console, "nina", "/club agenda")
    assert "Données partagées" not in nina_agenda  # another group's session is not in my agenda
    assert "— Groupes de travail thématiques ·" not in nina_agenda  # nor the programme's generic slot

    assert "peuvent déplacer" in run(console, "nina", f"/club deplacer {first} jeudi 18 mars 10h")  # a member
    assert "peuvent déplacer" in run(console, "paul", f"/club deplacer {first} jeudi 18 mars 10h")  # other group
    moved = run(console, "lea", f"/club deplacer {first} jeudi 18 mars 10h")
    assert f"C'est fait : #{first} a lieu jeudi 18 mars 2027 à 10:00" in moved
    listing = run(console, "nina", "/club groupes")
    assert "• Prochaine séance : jeudi 18 mars 2027 à 10:00" in listing
    assert "• Prochaine séance : mardi 16 mars 2027 à 14:00" in listing  # group 2 kept its own
    assert "peuvent annuler" not in run(console, "sophie", f"/club calendrier annuler {second}")
    assert "• Prochaine séance : mardi 18 mai 2027 à 14:00" in run(console, "paul", "/club groupes")


def test_a_group_created_in_the_autumn_is_planned_for_the_year_ahead(club: Service, clock: FakeClock) -> None:
    clock.now = datetime(2027, 9, 30, 9, tzinfo=UTC)
    console = two_groups(club)
    assert "• Séances : 0 tenue(s), 4 à venir" in console.run_line("/club groupes bilan")  # Mar.–Sep. 2028
    assert "• Prochaine séance : mercredi 15 mars 2028 à 14:00" in console.run_line("/club groupes")

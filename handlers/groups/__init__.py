"""The working groups: born from the themes the rencontre retains, each with 2–3 referents, members and
invited guests, its own sessions, its decision notes (confidential when needed) and the Club's collective
decision before one of its deliverables is disseminated.

- `commands`: `/club groupes` and `/club groupe` with their subcommands, declared with their help, in help's order.
- `rules`: the shared rules: the group a command names, who is inside it, who leads it, where its posts go.
- `creation`: a group for each retained theme, or created by the facilitators; the Club's next free number.
- `listing`: the groups as anyone may see them, and the profile's line on my groups.
- `membership`: joining and leaving, appointing the referents, inviting guests.
- `channel`: binding a group's own channel, never the Club's.
- `overview`: the facilitators' overview (`groupes bilan`): counts only.
- `sessions`: each group's sessions as calendar events, which its referents may move or cancel.
- `decisions`: `decision` and `decisions` (and `export`): the referents' decision notes, and who reads them.
- `dissemination`: the consent rule on a deliverable: announcement, answers, closing at the deadline.
- `diffusion`: `/club diffusion` and its subcommands: opening a consultation, answering, closing early.
"""

"""Who is who in the Club, whatever the platform they came in by.

- `lookup`: the member behind a platform account, created on first contact (`find_member`,
  `ensure_member`); every capability naming someone goes through it.
- `profile`: `moi`, `fuseau`, `institution` (binômes), `langue`.
- `roles`: the Club's roles and the `role` verb that gives them.
- `data`: `moi donnees`, everything the bot holds on me, as two files sent privately (text and JSON).
- `erase`: `moi effacer`, erasing it after a confirmation; the Club's records stay, under no name.
- `retention`: the programme file's periods, after which the scheduler deletes registrations, reminders
  and sent messages (docs/donnees-personnelles.md).
"""

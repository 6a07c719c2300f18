"""Who is who in the Club, whatever the platform they came in by.

- `lookup`: the member behind a platform account, created on first contact (`find_member`,
  `ensure_member`); every capability naming someone goes through it.
- `profile`: `moi`, `fuseau`, `institution` (binômes), `langue`.
- `roles`: the Club's roles and the `role` verb that gives them.
"""

"""The call for contributions and the themes' life until the rencontre chooses them.

`appel` opens and closes the call; `propose`, `modifier`, `retirer`, `propositions` run it;
`retenir` records the rencontre's choice (topic "themes.retained") and `difficulte` asks the Club.
Votes on the posted proposals (anchor kind "proposal") are counted by the polls capability.
"""

from handlers.proposals import call, decide, propose  # noqa: F401  (registration side effects)

"""The call for contributions and the themes' life until the rencontre chooses them. Module by module:

- `call`: `appel` (its state), `appel ouvrir` and `appel fermer` (facilitators), and their announcements.
- `common`: the call's window, looking proposals up, checking what people type, a proposal's message.
- `decide`: `retenir` (the rencontre's choice, told as `ThemesRetained`) and `difficulte` (the Club decides
  by a poll it requests).
- `drafts`: what someone asks to propose or edit, from the command's text or from the form.
- `propose`: `propose`, its form, the near-duplicate warning and its confirmation; numbering.
- `revise`: `modifier` and `retirer`.
- `summary`: `propositions`, and the words for a proposal's state.
- `votes`: the 👍 on a posted proposal and their recount, stored with the polls' votes.
"""

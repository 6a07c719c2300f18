"""Polls voted by reactions (or buttons when anonymous): approval, single choice, majority judgment, dates.

Each option is its own message anchored to `Anchor("poll_option", id)`, so a reaction says which option
it is for; closing recounts the platform's reactions first. Module by module:

- `commands`: the verbs `sondage`, `resultats` and `cloturer`.
- `parsing`: reading and checking `/club sondage "Question" "A" "B" --flags`.
- `opening`: a new poll, its Club number and messages; polls other capabilities request; finding one by number.
- `messages`: the header and the option messages, with their reactions or buttons.
- `voting`: a reaction or a button click becomes a vote, or is refused privately.
- `closing`: recounting the platform's reactions, closing (now or when due), publishing the results.
- `cancelling`: a poll whose messages the platform refuses for good is cancelled, never left open.
- `votes`: recording votes under concurrency, reading reactions back as voters, tallying (a library for
  proposals' 👍 too).
- `results`: the results table.
- `majority_judgment`: ranking by majority grade, pure math.
"""

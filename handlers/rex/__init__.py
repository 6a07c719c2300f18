"""Retours d'expérience (REX): 1 h online every two months, open to all, topics proposed by anyone.

A REX is a calendar event of kind "rex". People register in chat (`/club rex inscrire`, or the
"S'inscrire" button of its announcement) through the calendar's registration core; the visio link is
given to registered people only, and the recording to the Club's members who registered — never to
guests, never in a public feed. The announcement in the Club channel is updated in place.

- `commands`: `/club rex` (the upcoming REX) and its subcommands, declared with their help, in help's order.
- `lookup`: finding the REX a command names, the year's calendar made sure of, whether it can still change.
- `texts`: what REX messages repeat: topics, seats, the visio line, a private message.
- `announcement`: the announcement in the Club channel, posted then updated in place.
- `registration`: registering and leaving (command, button, Home), seats, the visio gate, the profile line.
- `guests`: guests a member registers, and taking their seat back.
- `waitlist`: what follows a change of seats: the promoted told privately, the announcement refreshed.
- `topics`: open programming: proposing a topic, the waiting topics, placing one on a REX.
- `attendance`: the attendance list (CSV) and the recording, for registered members only.
- `guest_erasure`: a facilitator erases a guest's data on their request (they have no account to do it).
"""

"""Sister formats of the Club, each switched on by its table in the programme file.

- `roles`: the format's roles (`[[roles]]`) and who holds them (`fonction`); `is_organiser` for the others.
- `presidency`: a collective's rotating presidency, by hand or at the file's steps (`presidence`).
- `cohort`: a peer programme's territories, their binômes and individual follow-ups (`cohorte`).
- `seminar`: a seminar day's programme and announcement (`journee`), its contact team (`contacts`).
- `teams`: collectifs de territoire, who register together to workshops (`collectif`).
- `workshops`: registration to one workshop per phase, within capacity (`atelier`).
"""

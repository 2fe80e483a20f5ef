"""Many terminals, one office: reports back from terminals, collected into a status board; listings merged
field by field when a bundle arrives, and terminal edits as proposals to the office."""

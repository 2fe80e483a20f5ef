"""Many terminals, one office: reports back from terminals, collected into a status board."""

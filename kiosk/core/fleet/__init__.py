"""Many terminals, one office: field-level merging of listings, terminal edits as proposals, reports."""

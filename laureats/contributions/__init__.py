"""What the public proposes through /contribuer/: the forms, and the moderation that accepts or
rejects a proposal (lock the row, write only the proposed field, show a conflict when the field
changed since).

May import: models, derived, text, csv_format (a proposed value is read as the import reads it).
"""

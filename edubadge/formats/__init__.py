"""Model <-> wire documents as plain dicts: `ob3` (Open Badges 3.0)."""

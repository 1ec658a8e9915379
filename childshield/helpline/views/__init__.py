"""The counsellor's console: the queue, contacts, triage rules and saved replies, figures, supervision."""

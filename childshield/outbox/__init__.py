"""The transactional outbox: every side effect of a change (a task, an e-mail, a hook, a webhook) is
written as an item in the change's own transaction and delivered by a worker, at least once.

Enqueue with `childshield.outbox.services.outbox_enqueue` (or `email_enqueue`); the rules are in
docs/architecture.md, "The outbox".
"""

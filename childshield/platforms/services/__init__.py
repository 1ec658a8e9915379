"""Every write of the platforms app, by sub-domain: reports, webhooks, notices, feedback."""

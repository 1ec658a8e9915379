"""Every write about reported content, one module per sub-domain (items, assessment, notices, ...)."""

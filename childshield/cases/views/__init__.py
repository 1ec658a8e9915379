"""Case pages, one module per sub-domain: thin doors onto the selectors and services."""

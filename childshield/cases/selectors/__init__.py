"""Reads of cases, each scoped to the acting membership through the rule in permissions.py."""

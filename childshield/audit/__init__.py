"""Append-only audit log.

Every app writes through `from childshield.audit import services as audit; audit.record(...)`.
"""

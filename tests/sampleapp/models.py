"""A record with every kind of encrypted field, for the core app's tests."""

from django.db import models

from childshield.core.fields import EncryptedJSONField, EncryptedTextField


class SampleRecord(models.Model):
    name = EncryptedTextField()
    notes = EncryptedTextField(null=True, blank=True)
    contacts = EncryptedJSONField(default=dict, blank=True)
    name_index = models.CharField(max_length=64, db_index=True, blank=True)

    def __str__(self) -> str:
        return f"SampleRecord {self.pk}"

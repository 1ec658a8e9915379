# Data-subject requests: access, correction, erasure, with the identity check and the answer.

import childshield.core.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_platform_staff_and_regulator_roles"),
        ("operations", "0001_legal_holds_and_erasures"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubjectRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("access", "Access: a copy of what is held"),
                            ("correction", "Correction"),
                            ("erasure", "Erasure"),
                        ],
                        max_length=12,
                        verbose_name="kind of request",
                    ),
                ),
                (
                    "requester_name",
                    childshield.core.fields.EncryptedTextField(verbose_name="requester's name"),
                ),
                (
                    "requester_contact",
                    childshield.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="how to answer them"
                    ),
                ),
                (
                    "requester_role",
                    models.CharField(
                        choices=[
                            ("self", "The person themself"),
                            ("parent", "A parent or guardian of a child"),
                            ("representative", "A lawyer or other representative"),
                        ],
                        default="self",
                        max_length=16,
                        verbose_name="the requester is",
                    ),
                ),
                (
                    "details",
                    childshield.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="what they ask"
                    ),
                ),
                (
                    "received_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="received"),
                ),
                ("due_at", models.DateTimeField(verbose_name="due")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("identity_checked", "Identity checked"),
                            ("answered", "Answered"),
                            ("refused", "Refused"),
                        ],
                        default="received",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "identity_document",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("id_card", "Citizen identity card"),
                            ("passport", "Passport"),
                            ("birth_certificate", "Birth certificate (with a parent's card)"),
                            ("staff_account", "Signed in to their own staff account"),
                            ("report_passphrase", "The report's code and passphrase"),
                            ("other", "Other (say which in the note)"),
                        ],
                        max_length=20,
                        verbose_name="document seen",
                    ),
                ),
                (
                    "identity_checked_by",
                    models.CharField(blank=True, max_length=150, verbose_name="checked by"),
                ),
                (
                    "identity_checked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="checked on"),
                ),
                (
                    "identity_note",
                    childshield.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="note on the check"
                    ),
                ),
                (
                    "subject_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("staff_user", "A staff member's account"),
                            ("reporter", "Someone who reported (by the report's code)"),
                            ("child", "A child a case is about"),
                            ("caregiver", "A caregiver recorded with a child"),
                            ("person_who_harmed", "A person recorded as having harmed a child"),
                        ],
                        max_length=20,
                        verbose_name="about",
                    ),
                ),
                ("subject_id", models.PositiveBigIntegerField(blank=True, null=True)),
                ("subject_part", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                (
                    "answer_note",
                    childshield.core.fields.EncryptedTextField(blank=True, default="", verbose_name="answer"),
                ),
                (
                    "refusal_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("case_duty", "Child-protection duties to keep the case override erasure"),
                            ("legal_hold", "A legal hold keeps the record"),
                            ("identity", "The requester's identity could not be established"),
                            ("other", "Another reason (say which in the note)"),
                        ],
                        max_length=12,
                        verbose_name="reason for refusing",
                    ),
                ),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.membership",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.membership",
                    ),
                ),
                (
                    "identity_recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.membership",
                    ),
                ),
            ],
            options={
                "ordering": ["-received_at", "-id"],
                "indexes": [models.Index(fields=["status", "due_at"], name="operations_request_due")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("answered_at__isnull", False), ("status__in", ["answered", "refused"])),
                            models.Q(("status__in", ["answered", "refused"]), _negated=True),
                            _connector="OR",
                        ),
                        name="operations_request_answered_has_date",
                    )
                ],
            },
        ),
    ]

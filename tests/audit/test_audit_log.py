import pytest
from django.db import DatabaseError, connection, transaction

from childshield.accounts.models import Role
from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent, AuditEventImmutable

pytestmark = pytest.mark.django_db


def test_an_event_names_who_acted_for_which_agency_and_the_request(client, worker, sign_in):
    sign_in(worker)
    response = client.get("/en/account/")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor_id == str(worker.user.pk)
    assert event.request_id  # the sign-in request's id
    assert response["X-Request-ID"]
    recorded = audit.record(action=AuditAction.VIEW, actor=worker.user, agency=worker.agency, obj=worker)
    assert recorded.object_type == "accounts.Membership"
    assert recorded.object_id == str(worker.pk)
    assert recorded.agency_label == "Commune Social Work Office"


def test_the_orm_refuses_to_change_or_delete_an_event(worker):
    event = audit.record(action=AuditAction.VIEW, actor=worker.user, obj=worker)
    event.reason = "rewritten"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_postgresql_rejects_an_update_or_delete_of_an_event_in_raw_sql(worker):
    event = audit.record(action=AuditAction.VIEW, actor=worker.user, obj=worker, reason="original")
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = 'rewritten' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reason FROM {table} WHERE id = %s", [event.pk])
        assert cursor.fetchone() == ("original",)


def test_staff_see_their_own_agency_events_only(client, worker, colleague, outsider, sign_in):
    audit.record(action=AuditAction.VIEW, actor=colleague.user, agency=colleague.agency, object_type="x.Mine")
    audit.record(action=AuditAction.VIEW, actor=outsider.user, agency=outsider.agency, object_type="x.Theirs")
    sign_in(worker)
    html = client.get("/en/audit/").content.decode()
    assert "x.Mine" in html
    assert "x.Theirs" not in html


def test_a_system_administrator_sees_every_agency_events(client, make_member, worker, outsider, sign_in):
    admin = make_member(email="root@example.org", role=Role.SYSTEM_ADMIN)
    audit.record(action=AuditAction.VIEW, actor=outsider.user, agency=outsider.agency, object_type="x.Theirs")
    sign_in(admin)
    html = client.get("/en/audit/").content.decode()
    assert "x.Theirs" in html
    assert "Every agency" in html


def test_the_audit_page_filters_by_action(client, worker, sign_in):
    audit.record(action=AuditAction.EXPORT, actor=worker.user, agency=worker.agency, object_type="x.Exported")
    audit.record(action=AuditAction.VIEW, actor=worker.user, agency=worker.agency, object_type="x.Viewed")
    sign_in(worker)
    html = client.get("/en/audit/?action=export").content.decode()
    assert "x.Exported" in html
    assert "x.Viewed" not in html

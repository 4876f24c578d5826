from django.db import migrations

# TRUNCATE fires no row triggers, so the append-only trigger of 0002 does not stop a wipe of the
# whole log; this statement trigger does. The one exception is a test database (named test_*,
# as Django names them) whose session asked for it: the test runner's flush between
# transactional tests (apps/audit/management/commands/flush.py). Production has no way round
# it short of the owner dropping the trigger, and audit_verify's head/count checkpoint shows that.
SQL = r"""
CREATE OR REPLACE FUNCTION audit_entry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%' AND current_setting('park.audit_wipe', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_no_truncate();
"""
REVERSE = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fewer_indexes")]
    operations = [migrations.RunSQL(SQL, REVERSE)]

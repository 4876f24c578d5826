from django.db import migrations

from apps.terminals.schemas import public

# The log's entries and stored subtree hashes are append-only at the database level (as the audit
# log is): UPDATE and DELETE raise, and TRUNCATE too except in a test database whose session asked
# for it (apps/audit/management/commands/flush.py, the test runner's flush). Someone able to drop
# or disable the triggers (the owner, a superuser) can still change rows: the tamper check
# (evidence_verify) compares what is stored with the signed tree heads and names what changed.
SQL = r"""
CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' AND current_setting('park.audit_wipe', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER evidence_entry_append_only BEFORE UPDATE OR DELETE ON evidence_logentry
    FOR EACH ROW EXECUTE FUNCTION evidence_append_only();
CREATE TRIGGER evidence_entry_no_truncate BEFORE TRUNCATE ON evidence_logentry
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();
CREATE TRIGGER evidence_node_append_only BEFORE UPDATE OR DELETE ON evidence_lognode
    FOR EACH ROW EXECUTE FUNCTION evidence_append_only();
CREATE TRIGGER evidence_node_no_truncate BEFORE TRUNCATE ON evidence_lognode
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS evidence_entry_append_only ON evidence_logentry;
DROP TRIGGER IF EXISTS evidence_entry_no_truncate ON evidence_logentry;
DROP TRIGGER IF EXISTS evidence_node_append_only ON evidence_lognode;
DROP TRIGGER IF EXISTS evidence_node_no_truncate ON evidence_lognode;
DROP FUNCTION IF EXISTS evidence_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [public(migrations.RunSQL(SQL, REVERSE))]  # the log's tables are public only

import django.db.models.deletion
from django.db import migrations, models

from apps.terminals.schemas import public

# The log's tables keep only the indexes reads use, and ``log`` is no database foreign key any
# more (PostgreSQL checked it with one deferred query per appended row, at commit). What the
# foreign key guarded — no entry or node of a log that is not there — holds this way: a log row
# that has entries or nodes refuses DELETE, and TRUNCATE of the log table is refused like the
# entries' (apps.evidence.models, LOG_REFERENCE). The log's tables are in the public schema only.
SQL = r"""
CREATE OR REPLACE FUNCTION evidence_log_keep() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM evidence_logentry WHERE log_id = OLD.id)
       OR EXISTS (SELECT 1 FROM evidence_lognode WHERE log_id = OLD.id) THEN
        RAISE EXCEPTION 'evidence log % has entries (DELETE refused)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER evidence_log_keep BEFORE DELETE ON evidence_evidencelog
    FOR EACH ROW EXECUTE FUNCTION evidence_log_keep();
CREATE TRIGGER evidence_log_no_truncate BEFORE TRUNCATE ON evidence_evidencelog
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS evidence_log_keep ON evidence_evidencelog;
DROP TRIGGER IF EXISTS evidence_log_no_truncate ON evidence_evidencelog;
DROP FUNCTION IF EXISTS evidence_log_keep();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_watched_log_last_head"),
        ("tenants", "0002_enterprise_upstream_info"),
    ]

    operations = [
        public(
            migrations.AddIndex(
                model_name="logentry",
                index=models.Index(fields=["code"], name="evidence_entry_code_idx"),
            )
        ),
        public(
            migrations.AlterField(
                model_name="logentry",
                name="code",
                field=models.CharField(blank=True, max_length=255, verbose_name="存证码"),
            )
        ),
        public(
            migrations.AlterField(
                model_name="logentry",
                name="enterprise",
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    db_index=False,
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="tenants.enterprise",
                    verbose_name="企业",
                ),
            )
        ),
        public(
            migrations.AlterField(
                model_name="logentry",
                name="log",
                field=models.ForeignKey(
                    db_constraint=False,
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="evidence.evidencelog",
                    verbose_name="日志",
                ),
            )
        ),
        public(
            migrations.AlterField(
                model_name="lognode",
                name="log",
                field=models.ForeignKey(
                    db_constraint=False,
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="evidence.evidencelog",
                    verbose_name="日志",
                ),
            )
        ),
        public(migrations.RunSQL(SQL, REVERSE)),
    ]

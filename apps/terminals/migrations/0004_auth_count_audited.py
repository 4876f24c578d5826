from django.db import migrations, models

from apps.terminals.schemas import public


class Migration(migrations.Migration):

    dependencies = [
        ('terminals', '0003_terminal_heartbeat_sequence'),
    ]

    operations = [
        public(migrations.AddField(
            model_name='authcount',
            name='audited_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审计时间'),
        )),
    ]

from django.db import models


class BenchNote(models.Model):
    title = models.CharField(max_length=100, db_index=True)
    body = models.TextField(blank=True)
    enterprise_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title

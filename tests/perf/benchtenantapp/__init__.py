"""A tenant app used only by bench_tenants.py: its one migration is "a new tenant-app migration"
applied to every enterprise schema (a table, its primary key, an index, a sequence)."""

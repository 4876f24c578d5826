"""SNMS v5 API at its documented fixed paths (mounted by park_portal/urls_public.py).

Every path needs the bearer token, the detail read included (the public reads are
resolution's: ``/api/handles/<handle>`` and ``/<handle>``).
"""

from django.urls import path

from apps.sync import server

urlpatterns = [
    path("identity/token", server.token_view, name="snms-token"),
    path("identity/token/v1", server.token_v1_view, name="snms-token-v1"),
    path("snms/api/v5/template", server.template_view, name="snms-template"),
    path("identityv2/data", server.data_view, name="snms-data"),
    path("identityv2/data/detail", server.detail_view, name="snms-detail"),
    path("identityv2/data/batchCreate", server.batch_create_view, name="snms-batch-create"),
    path("identityv2/data/batchUpdate", server.batch_update_view, name="snms-batch-update"),
    path("identityv2/data/batchDelete", server.batch_delete_view, name="snms-batch-delete"),
    path("snms/api/prefix/query", server.prefix_query_view, name="snms-prefix-query"),
    path("snms/api/prefix/page", server.prefix_page_view, name="snms-prefix-page"),
    path("snms/api/v3/ent/apply", server.ent_apply_view, name="snms-ent-apply"),
    path("snms/api/v3/ent/upgrade-apply", server.ent_apply_view, name="snms-ent-upgrade-apply"),
    path("snms/api/ext/prefix/digest", server.ext_digest_view, name="snms-ext-digest"),
    path("snms/api/ext/prefix/handles", server.ext_handles_view, name="snms-ext-handles"),
]

from rest_framework import serializers


class TodoSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField(help_text="the list filtered to these rows")


class LabelCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, instance):
        label, count = instance
        return {"label": str(label), "count": int(count)}


class RegistrationsSerializer(serializers.Serializer):
    window = serializers.CharField()
    days = serializers.ListField(child=serializers.DateField())
    counts = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    this_month = serializers.IntegerField()


class EnterpriseRegistrationsSerializer(RegistrationsSerializer):
    by_template = LabelCountSerializer(many=True)


class ResolutionsSerializer(serializers.Serializer):
    window = serializers.CharField()
    hours = serializers.ListField(child=serializers.DateTimeField())
    counts = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    not_found = serializers.IntegerField()
    not_found_percent = serializers.FloatField(allow_null=True)
    p50_ms = serializers.FloatField(allow_null=True)
    p99_ms = serializers.FloatField(allow_null=True)
    top_prefixes = LabelCountSerializer(many=True)


class SyncSerializer(serializers.Serializer):
    backlog = serializers.IntegerField()
    last_sent_at = serializers.DateTimeField(allow_null=True)
    oldest_pending_at = serializers.DateTimeField(allow_null=True)


class BuildCasesSerializer(serializers.Serializer):
    stages = LabelCountSerializer(many=True)
    completed = serializers.IntegerField()


class AuditSerializer(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    ok = serializers.BooleanField()
    checked = serializers.IntegerField(allow_null=True)


class ParkFiguresSerializer(serializers.Serializer):
    enterprises = LabelCountSerializer(many=True)
    registrations = RegistrationsSerializer()
    resolutions = ResolutionsSerializer()
    sync = SyncSerializer()
    build_cases = BuildCasesSerializer()
    audit = AuditSerializer(allow_null=True)


class ParkWorkbenchSerializer(serializers.Serializer):
    todo = TodoSerializer(many=True)
    figures = ParkFiguresSerializer()


class ImportProgressSerializer(serializers.Serializer):
    pk = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    progress = serializers.IntegerField()


class PrefixStateSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    status = serializers.CharField()
    upstream_status = serializers.CharField()
    upstream_message = serializers.CharField()


class MembersSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    admins = serializers.IntegerField()


class EnterpriseFiguresSerializer(serializers.Serializer):
    registrations = EnterpriseRegistrationsSerializer()
    resolutions = ResolutionsSerializer()
    resolutions_30d = serializers.IntegerField()
    imports = ImportProgressSerializer(many=True)
    prefixes = PrefixStateSerializer(many=True)
    grants_given = serializers.IntegerField()
    grants_received = serializers.IntegerField()
    members = MembersSerializer()


class EnterpriseWorkbenchSerializer(serializers.Serializer):
    todo = TodoSerializer(many=True)
    figures = EnterpriseFiguresSerializer()


class IdentifierHitSerializer(serializers.Serializer):
    handle = serializers.CharField()
    name = serializers.CharField()
    object_code = serializers.CharField()
    enterprise = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


class EnterpriseHitSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    credit_code = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField()
    identifiers = IdentifierHitSerializer(many=True)
    enterprises = EnterpriseHitSerializer(many=True)

"""Benchmark-only endpoints, mounted only with PARK_BENCH_ENDPOINTS=1.

* ``/bench/floor?size=N`` — the floor: the same server and middleware, a fixed JSON body of N
  bytes, no cache, no database.
* ``/bench/drf/<handle>`` — a plain DRF ``RetrieveAPIView`` over the identifier table.
"""

from django.http import HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny

from apps.identifiers.models import Identifier

_bodies: dict[int, bytes] = {}


def floor(request):
    size = min(int(request.GET.get("size") or 200), 1_000_000)
    body = _bodies.get(size)
    if body is None:
        body = b'{"responseCode":1,"pad":"' + b"x" * max(0, size - 27) + b'"}'
        _bodies[size] = body
    return HttpResponse(body, content_type="application/json")


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Identifier
        fields = ["handle", "values"]


class IdentifierRetrieve(RetrieveAPIView):
    queryset = Identifier.objects.all()
    serializer_class = IdentifierSerializer
    permission_classes = [AllowAny]
    lookup_field = "handle_ci"
    lookup_url_kwarg = "handle"

    def get_object(self):
        self.kwargs["handle"] = self.kwargs["handle"].lower()
        return super().get_object()


urlpatterns = [
    path("bench/floor", floor),
    path("bench/drf/<path:handle>", IdentifierRetrieve.as_view()),
]

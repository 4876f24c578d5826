"""BID pages and the DID resolver endpoint.

Park domain: ``/1.0/identifiers/<did>`` (apps.bid.resolve through Django, when the resolution
server does not answer it), the park's BID page (AC code, its own BID and document, BIDs by
enterprise and type). Enterprise domain: its BIDs (state, key type, document), mapping the
enterprise or an object (single or a batch), the holder-signed update, rotation and
deactivation, the wallet binding and the wallet login of enterprise administrators.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from apps.bid import resolve


@csrf_exempt
def resolve_view(request, did: str):
    from apps.resolution.views import resolution_request

    reply = resolve.reply(resolution_request(request), did)
    response = HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers:
        response[name] = value
    return response

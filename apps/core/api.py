"""One error response shape for the REST API: {"code", "message", "errors"}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Response(
            {
                "code": "invalid",
                "message": "; ".join(m for ms in errors.values() for m in ms),
                "errors": errors,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        detail = response.data.get("detail")
        if detail is not None:
            response.data = {"code": getattr(detail, "code", "error"), "message": str(detail), "errors": {}}
        else:
            flat = "; ".join(
                f"{k}: {v[0] if isinstance(v, list) and v else v}" for k, v in response.data.items()
            )
            response.data = {"code": "invalid", "message": flat, "errors": response.data}
    return response

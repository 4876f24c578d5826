"""Every operation of the native API's OpenAPI schema shows an example of what it answers and of
what it takes, and every example is what the schema says.

Both schemas are walked: the park domain's (/api/schema/ on park.localhost, urls_public) and an
enterprise domain's (urls_tenant). An operation fails when a success status (2xx) with a JSON body
has no example, or when it takes a JSON body and no content type of its request shows one. A
file answer (a PDF, a workbook: ``format: binary``) needs none. Each example is validated against
the schema of its body (components resolved, ``nullable`` honoured, no property the schema does
not name), so an example cannot drift from its serializer unnoticed.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

URLCONFS = {"park": "park_portal.urls_public", "enterprise": "park_portal.urls_tenant"}
METHODS = ("get", "post", "put", "patch", "delete")


def _schema(urlconf: str) -> dict:
    generated = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))  # lazy strings → text, as served


def _json_schema(node, components: dict, *, request: bool, seen: tuple = ()):
    """The OpenAPI 3.0 schema ``node`` as plain JSON Schema: references inlined, ``nullable``
    as a null type, objects closed to the properties they name; a read-only property is not
    required of a request, nor a write-only one of an answer."""
    if isinstance(node, list):
        return [_json_schema(item, components, request=request, seen=seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:  # a recursive schema: accept what lies below
            return {}
        return _json_schema(components[name], components, request=request, seen=(*seen, name))
    out = {key: _json_schema(value, components, request=request, seen=seen) for key, value in node.items()}
    if "properties" in out:
        properties = node["properties"]
        out["properties"] = {
            key: _json_schema(value, components, request=request, seen=seen)
            for key, value in properties.items()
        }
        out.setdefault("additionalProperties", False)
        skip = "readOnly" if request else "writeOnly"
        if "required" in out:
            out["required"] = [name for name in out["required"] if not properties.get(name, {}).get(skip)]
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _binary(media: dict) -> bool:
    return media.get("schema", {}).get("format") == "binary"


def _examples(media: dict) -> dict:
    if "example" in media:
        return {"example": {"value": media["example"]}}
    return media.get("examples", {})


def _problems(schema: dict) -> list[str]:
    components = schema.get("components", {}).get("schemas", {})
    problems = []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            label = f"{method.upper()} {path}"
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                for media_type, media in response.get("content", {}).items():
                    if "json" not in media_type or _binary(media):
                        continue
                    if not _examples(media):
                        problems.append(f"{label}: no example of its {status} answer ({media_type})")
                    problems += _invalid(label, f"{status} answer", media, components, request=False)
            body = operation.get("requestBody")
            if body:
                contents = body.get("content", {})
                if not any(_examples(media) for media in contents.values()):
                    problems.append(f"{label}: no example of its request body")
                for media in contents.values():
                    problems += _invalid(label, "request body", media, components, request=True)
    return problems


def _invalid(label: str, what: str, media: dict, components: dict, *, request: bool) -> list[str]:
    validator = jsonschema.Draft7Validator(_json_schema(media.get("schema", {}), components, request=request))
    problems = []
    for name, example in _examples(media).items():
        for error in validator.iter_errors(example["value"]):
            where = "/".join(map(str, error.absolute_path)) or "(the body)"
            problems.append(f"{label}: the {what} example {name!r} at {where}: {error.message}")
    return problems


@pytest.mark.parametrize("domain", list(URLCONFS))
def test_every_operation_shows_examples_that_match_its_schema(domain):
    schema = _schema(URLCONFS[domain])
    problems = _problems(schema)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_check_fails_an_operation_without_an_example():
    """The walk above is not vacuous: a JSON answer without an example, and an example with a
    property its schema does not name, are both reported."""
    schema = {
        "paths": {
            "/api/v1/x/": {
                "get": {
                    "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/X"},
                                "examples": {"A": {"value": {"name": "路灯", "colour": "红"}}},
                            }
                        }
                    },
                    "responses": {"204": {}},
                },
            }
        },
        "components": {"schemas": {"X": {"type": "object", "properties": {"name": {"type": "string"}}}}},
    }
    problems = _problems(schema)
    assert len(problems) == 2
    assert problems[0].startswith("GET /api/v1/x/: no example of its 200 answer")
    assert "'colour' was unexpected" in problems[1]

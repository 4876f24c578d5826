"""Run schemathesis over the operations of the live test server's published OpenAPI schema.

Shared by the API conformance tests (tests/core for identifiers and metadata, tests/billing):
schemathesis's Hypothesis strategies (``operation.as_strategy``) generate schema-valid and, where
an operation takes parameters or a body, schema-violating requests; each goes to the live server
on ``host`` and every failed check is kept, one report per (operation, check).

Deterministic: Hypothesis is derandomized (no seed, no example database, no deadline). Half of
the generated path ids are replaced by ids of objects that exist, so detail operations answer
more than 404.
"""

from __future__ import annotations

import re
from collections import Counter

import hypothesis
import requests
import schemathesis
from hypothesis import strategies as st

EXAMPLES = 25  # per operation and generation mode


def _settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )


SETTINGS = _settings(EXAMPLES)


def _strategy(operation, mode, known_ids: dict[str, list[int]]):
    strategy = operation.as_strategy(generation_mode=mode)
    ids = next((ids for prefix, ids in known_ids.items() if operation.path.startswith(prefix)), None)
    if "{id}" not in operation.path or not ids:
        return strategy
    existing = st.sampled_from(ids).flatmap(
        lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
    )
    return st.one_of(strategy, existing)


def _fuzz(
    operation,
    mode,
    *,
    known_ids,
    base_url: str,
    host: str,
    session,
    cases: Counter,
    failures: dict,
    examples: int = EXAMPLES,
) -> None:
    @_settings(examples)
    @hypothesis.given(case=_strategy(operation, mode, known_ids))
    def run(case):
        cases[operation.label] += 1
        try:
            case.call_and_validate(base_url=base_url, session=session, headers={"Host": host})
        except* AssertionError as group:  # schemathesis's failed checks, one per check
            for failure in group.exceptions:
                title = getattr(failure, "title", type(failure).__name__)
                failures.setdefault((operation.label, title), str(group))

    run()


def assert_conforms(
    *, live_server, host: str, token: str, api: str, known_ids: dict, config, examples: int = EXAMPLES
) -> None:
    """Fuzz every documented operation whose path matches ``api`` with up to ``examples`` cases
    per operation and generation mode; fail with every report."""
    published = requests.get(
        f"{live_server.url}/api/schema/?format=json",
        headers={"Host": host, "Authorization": token},
        timeout=30,
    ).json()
    schema = schemathesis.openapi.from_dict(published, config=config)

    cases: Counter[str] = Counter()
    failures: dict[tuple[str, str], str] = {}  # (operation, check) → the first report
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not re.match(api, operation.path):
                continue
            definition = published["paths"][operation.path][operation.method]
            modes = [schemathesis.GenerationMode.POSITIVE]
            if definition.get("parameters") or definition.get("requestBody"):
                modes.append(schemathesis.GenerationMode.NEGATIVE)  # something to make invalid
            for mode in modes:
                _fuzz(
                    operation,
                    mode,
                    known_ids=known_ids,
                    base_url=live_server.url,
                    host=host,
                    session=session,
                    cases=cases,
                    failures=failures,
                    examples=examples,
                )

    print(f"\nschemathesis: {sum(cases.values())} cases, {len(failures)} unique failures; {dict(cases)}")
    documented = {
        f"{method.upper()} {path}"
        for path, ops in published["paths"].items()
        if re.match(api, path)
        for method in ops
    }
    assert set(cases) == documented
    assert not failures, "\n\n".join(f"{op}: {title}\n{report}" for (op, title), report in failures.items())


def writes_config(token: str, api: str, statuses: list[str]) -> schemathesis.Config:
    """The usual config: the token's auth, no NUL bytes, and for the POSTs under ``api`` the
    refusals that a schema cannot express (the service's own rules) counted as answers: a
    schema-valid write may still be refused with one of ``statuses``."""
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"tokenAuth": {"api_key": token}}},
            "generation": {"allow-x00": False},
            "operations": [
                {
                    "include-path-regex": api,
                    "include-method": ["POST"],
                    "checks": {"positive_data_acceptance": {"expected-statuses": statuses}},
                }
            ],
        }
    )

"""Check the workflow configuration against its JSON schema, one line per problem."""

from __future__ import annotations

import jsonschema

from .samplesheet import load_schema


def config_problems(config: dict) -> list[str]:
    """Every way ``config`` breaks workflow/schemas/config.schema.yaml, one line each."""
    validator = jsonschema.Draft202012Validator(load_schema("config.schema.yaml"))
    problems = []
    for err in sorted(validator.iter_errors(config), key=lambda e: list(e.path)):
        key = ".".join(map(str, err.path)) or "-"
        if err.validator == "additionalProperties":
            problems.append(f"config: {err.message}")
        else:
            problems.append(f"config key {key}: {err.message}")
    return problems

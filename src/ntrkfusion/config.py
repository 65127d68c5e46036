"""The workflow configuration: checked against its JSON schema (one line per problem), and the
one place every default lives (``workflow/schemas/config.schema.yaml``).  The settings classes
of the caller and of QC take their defaults from here, so a threshold is written once.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import UserError
from .samplesheet import load_schema


@lru_cache(maxsize=1)
def _schema() -> dict:
    return load_schema("config.schema.yaml")


def config_problems(config: dict) -> list[str]:
    """Every way ``config`` breaks workflow/schemas/config.schema.yaml, one line each."""
    import jsonschema  # here: the calling path does not need it

    validator = jsonschema.Draft202012Validator(_schema())
    problems = []
    for err in sorted(validator.iter_errors(config), key=lambda e: list(e.path)):
        key = ".".join(map(str, err.path)) or "-"
        if err.validator == "additionalProperties":
            problems.append(f"config{'' if key == '-' else ' section ' + key}: {err.message}")
        else:
            problems.append(f"config key {key}: {err.message}")
    return problems


def default(*keys: str):
    """The schema's default of a config key, e.g. ``default("calling", "min_mapq")``."""
    node = _schema()
    for key in keys:
        node = node["properties"][key]
    return copy.deepcopy(node["default"])


def with_defaults(config: dict) -> dict:
    """A copy of ``config`` with every default of the schema filled in, nested sections too."""

    def fill(node: dict, value: dict) -> dict:
        out = dict(value)
        for key, prop in node.get("properties", {}).items():
            if key not in out and "default" in prop:
                out[key] = copy.deepcopy(prop["default"])
            if prop.get("type") == "object" and isinstance(out.get(key), dict):
                out[key] = fill(prop, out[key])
        return out

    return fill(_schema(), config)


def for_sample(config: dict, sample) -> dict:
    """The config one sample is processed with: the sheet's ``umi`` column, when given, replaces
    ``umi.source``."""
    if not getattr(sample, "umi", None):
        return config
    return {**config, "umi": {**(config.get("umi") or {}), "source": sample.umi}}


def load_config(path: str | Path | None) -> dict:
    """A config file as the workflow would use it (checked, defaults filled); none: the defaults.
    ``samples`` is not needed outside the workflow."""
    if path is None:
        return with_defaults({"samples": "-"})
    config: dict = {}
    if path is not None:
        config = read_yaml(path)
    config = {"samples": "-", **config}
    problems = config_problems(config)
    if problems:
        raise UserError(problems)
    return with_defaults(config)


def read_yaml(path: str | Path) -> dict:
    """A config file's mapping; a syntax error is one line naming the file, line and column."""
    try:
        config = yaml.safe_load(Path(path).read_text()) or {}
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UserError(f"config {path}{where}: not valid YAML ({err.problem or err.context})") from None
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as err:
        raise UserError(f"config {path}: cannot be read ({err})") from None
    if not isinstance(config, dict):
        raise UserError(f"config {path}: not a mapping of keys to values")
    return config


def config_file_error(path: str | Path) -> str | None:
    """'ntrkfusion: error: ...' when the config file exists and is not a YAML mapping; None otherwise."""
    if not Path(path).is_file():
        return None
    try:
        read_yaml(path)
    except UserError as err:
        return f"ntrkfusion: error: {err}"
    return None


def control_genes(path: str | Path | None) -> list[str]:
    """The RNA control (housekeeping) genes: the lab's TSV with a ``gene`` column, or the
    bundled list (``resources/curated/housekeeping_genes.tsv``)."""
    import pandas as pd

    from .paths import RESOURCES

    path = Path(path) if path else RESOURCES / "curated/housekeeping_genes.tsv"
    try:
        table = pd.read_csv(path, sep="\t", comment="#", dtype=str)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise UserError(f"housekeeping_genes {path}: cannot be read as a TSV ({err})") from None
    if "gene" not in table.columns:
        raise UserError(f"housekeeping_genes {path}: needs a column named 'gene'")
    genes = sorted({g.strip() for g in table["gene"].dropna() if g.strip()})
    if not genes:
        raise UserError(f"housekeeping_genes {path}: lists no gene")
    return genes


def interpretation_texts(path: str | Path | None) -> dict[str, str]:
    """The reports' interpretation paragraph per result: the lab's YAML file, or the bundled one
    (``resources/curated/interpretation.yaml``)."""
    from .paths import RESOURCES
    from .vocabulary import Result

    path = Path(path) if path else RESOURCES / "curated/interpretation.yaml"
    try:
        texts = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise UserError(f"interpretation {path}: cannot be read as YAML ({err})") from None
    missing = [r for r in Result if not isinstance((texts or {}).get(r), str)] if isinstance(texts, dict) else list(Result)
    if missing:
        raise UserError(f"interpretation {path}: needs a text for {', '.join(missing)}")
    return {r: " ".join(texts[r].split()) for r in Result}

"""Read and validate the sample sheet; every problem is one line naming row and column."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from .errors import UserError
from .paths import SCHEMAS

NUMERIC_COLUMNS = ("tumour_content", "dv200")
# What LIMS exports write for "not measured": read as an empty cell (not given), never a number.
NOT_GIVEN = {"na", "n/a", "nan", "none", "null", "-", ".", "not given", "unknown"}
PATH_COLUMNS = ("bam", "panel_bed")


@dataclass(frozen=True)
class Sample:
    sample: str
    bam: Path
    assay: str
    tumour_content: float | None = None
    dv200: float | None = None
    panel_bed: Path | None = None

    @property
    def is_cram(self) -> bool:
        return self.bam.suffix == ".cram"

    def to_dict(self) -> dict:
        """Plain strings and numbers, for Snakemake params and JSON."""
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, record: dict) -> "Sample":
        panel = record.get("panel_bed")
        return cls(**{**record, "bam": Path(record["bam"]), "panel_bed": Path(panel) if panel else None})


def load_schema(name: str) -> dict:
    with open(SCHEMAS / name) as fh:
        return yaml.safe_load(fh)


def read_samples(path: str | Path) -> list[Sample]:
    """Parse and validate a sample sheet; raise UserError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"sample sheet {path}: file not found")
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, comment="#", keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise UserError(f"sample sheet {path}: not a readable tab-separated file ({err})") from None
    table.columns = [c.strip() for c in table.columns]
    problems = _check_columns(path, table)
    if problems:
        raise UserError(problems)
    validator = jsonschema.Draft202012Validator(load_schema("samples.schema.yaml"))
    samples, seen = [], {}
    for index, raw in table.iterrows():
        line = index + 2  # the header is line 1
        where = f"sample sheet {path.name} line {line}"
        record, row_problems = _row_record(raw, where)
        for err in sorted(validator.iter_errors(record), key=lambda e: list(e.path)):
            row_problems.append(f"{where}, {_describe(err)}")
        name = record.get("sample", "")
        if name in seen:
            row_problems.append(
                f"{where}, column sample: duplicate sample ID {name!r} (also on line {seen[name]})"
            )
        seen.setdefault(name, line)
        problems += row_problems
        if not row_problems:
            samples.append(_to_sample(record, path.parent))
    if not problems and not samples:
        problems.append(f"sample sheet {path}: no samples")
    if problems:
        raise UserError(problems)
    return samples


def _check_columns(path: Path, table: pd.DataFrame) -> list[str]:
    schema = load_schema("samples.schema.yaml")
    known, required = set(schema["properties"]), schema["required"]
    problems = [
        f"sample sheet {path.name}: required column {c!r} is missing"
        for c in required
        if c not in table.columns
    ]
    problems += [
        f"sample sheet {path.name}: unknown column {c!r} (allowed: {', '.join(schema['properties'])})"
        for c in table.columns
        if c not in known
    ]
    dupes = {c for c in table.columns if list(table.columns).count(c) > 1}
    problems += [f"sample sheet {path.name}: column {c!r} appears twice" for c in sorted(dupes)]
    return problems


def _row_record(raw: pd.Series, where: str) -> tuple[dict, list[str]]:
    """Row -> JSON-like record: empty optional cells dropped, numbers parsed."""
    record, problems = {}, []
    for column, value in raw.items():
        value = value.strip()
        if value == "" or (column in NUMERIC_COLUMNS and value.lower() in NOT_GIVEN):
            continue
        if column in NUMERIC_COLUMNS:
            try:
                number = float(value)
            except ValueError:
                number = None
            if number is None or not math.isfinite(number):
                problems.append(f"{where}, column {column}: {value!r} is not a number (leave it empty if not known)")
            else:
                record[column] = number
            continue
        record[column] = value
    return record, problems


def _describe(err: jsonschema.ValidationError) -> str:
    """'column X: what is wrong' for one schema violation."""
    if err.validator == "required":
        missing = re.match(r"'([^']+)'", err.message)
        return f"column {missing.group(1) if missing else '?'}: value is empty"
    column = err.path[0] if err.path else "-"
    if err.validator == "pattern":
        return f"column {column}: {err.instance!r} is not allowed ({err.schema.get('description')})"
    if err.validator == "enum":
        return f"column {column}: {err.instance!r} is not one of {', '.join(err.validator_value)}"
    if err.validator in ("minimum", "maximum"):
        return f"column {column}: {err.instance:g} is outside 0-100"
    return f"column {column}: {err.message}"


def _to_sample(record: dict, base: Path) -> Sample:
    def resolve(p: str | None) -> Path | None:
        if p is None:
            return None
        path = Path(p).expanduser()
        return path if path.is_absolute() else (base / path).resolve()

    return Sample(
        sample=record["sample"],
        bam=resolve(record["bam"]),
        assay=record["assay"],
        tumour_content=record.get("tumour_content"),
        dv200=record.get("dv200"),
        panel_bed=resolve(record.get("panel_bed")),
    )

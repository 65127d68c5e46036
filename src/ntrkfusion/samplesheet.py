"""Read and validate the sample sheet; every problem is one line naming row and column."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import UserError
from .paths import SCHEMAS

NUMERIC_COLUMNS = ("tumour_content", "dv200")
# What LIMS exports write for "not measured": read as an empty cell (not given), never a number.
NOT_GIVEN = {"na", "n/a", "nan", "none", "null", "-", ".", "not given", "unknown"}
PATH_COLUMNS = ("bam", "panel_bed")
# Shown on the report as the lab gives them (the lab's LIMS fields): what, where, when, which block, for whom.
SPECIMEN_COLUMNS = ("specimen_type", "specimen_site", "collection_date", "block_id", "requested_by")


@dataclass(frozen=True)
class Sample:
    sample: str
    bam: Path
    assay: str
    tumour_content: float | None = None
    dv200: float | None = None
    panel_bed: Path | None = None
    umi: str | None = None  # none | RX | read_name; None: the config's umi.source
    specimen: tuple[tuple[str, str], ...] = ()  # the sheet's specimen columns that are filled (SPECIMEN_COLUMNS)

    @property
    def is_cram(self) -> bool:
        return self.bam.suffix == ".cram"

    def to_dict(self) -> dict:
        """Plain strings and numbers, for Snakemake params and JSON."""
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}
        out["specimen"] = dict(self.specimen)
        return out

    @classmethod
    def from_dict(cls, record: dict) -> "Sample":
        """From ``to_dict`` (keys that are not fields, such as a fingerprint, are ignored)."""
        fields = {k: v for k, v in record.items() if k in cls.__dataclass_fields__}
        panel = fields.get("panel_bed")
        given = fields.get("specimen") or {}
        specimen = tuple((c, given[c]) for c in SPECIMEN_COLUMNS if c in given)
        return cls(**{**fields, "bam": Path(fields["bam"]), "panel_bed": Path(panel) if panel else None,
                      "specimen": specimen})  # fmt: skip


def load_schema(name: str) -> dict:
    with open(SCHEMAS / name) as fh:
        return yaml.safe_load(fh)


def sample_id_rule() -> tuple[str, int]:
    """The pattern (without anchors) and the length limit of a sample ID, from the sheet schema."""
    rule = load_schema("samples.schema.yaml")["properties"]["sample"]
    return rule["pattern"].strip("^$"), rule["maxLength"]


def check_sample_id(name: str) -> None:
    """Raise UserError unless ``name`` is a valid sample ID (it becomes a folder and file name)."""
    pattern, limit = sample_id_rule()
    if not re.fullmatch(pattern, name) or len(name) > limit:
        raise UserError(
            f"sample name {name!r}: use letters, digits, '.', '_' and '-', starting with a letter or digit, "
            f"at most {limit} characters"
        )


def read_samples(path: str | Path) -> list[Sample]:
    """Parse and validate a sample sheet; raise UserError listing every problem.

    Tab-separated, no quoting.  A line whose first character is ``#`` is a comment and blank
    lines are skipped; ``#`` anywhere else is data (a sample ``P7#2`` stays ``P7#2``, and is
    then refused by the ID rule rather than cut to ``P7``).  Problems name the file's own line."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"sample sheet {path}: file not found")
    rows = _lines(path)
    if not rows:
        raise UserError(f"sample sheet {path}: empty (no header line)")
    (_, header), body = rows[0], rows[1:]
    columns = [c.strip() for c in header]
    if len(columns) == 1 and len(columns[0].split(",")) > 1:
        raise UserError(f"sample sheet {path.name}: the header is comma-separated ({columns[0][:60]!r}); the sheet must "
                        "be tab-separated (in a spreadsheet: save as 'Text (Tab delimited)')")  # fmt: skip
    problems = _check_columns(path, columns)
    if problems:
        raise UserError(problems)
    import jsonschema  # here: the calling path does not need it

    validator = jsonschema.Draft202012Validator(load_schema("samples.schema.yaml"))
    samples, seen = [], {}
    for line, cells in body:
        where = f"sample sheet {path.name} line {line}"
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            problems.append(f"{where}: {len(cells)} cells but the header has {len(columns)} columns")
            continue
        raw = dict(zip(columns, cells + [""] * (len(columns) - len(cells))))  # trailing empty cells are empty
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
    problems += _same_file_twice(path, samples)
    if problems:
        raise UserError(problems)
    return samples


def sample_from_fields(fields: dict, base: Path) -> Sample:
    """One sample given field by field (the command line), checked as a sheet row is."""
    where = f"sample {fields.get('sample')}"
    raw = {k: ("" if v is None else str(v)) for k, v in fields.items()}
    record, problems = _row_record(raw, where)
    import jsonschema  # here: the calling path does not need it

    validator = jsonschema.Draft202012Validator(load_schema("samples.schema.yaml"))
    problems += [f"{where}, {_describe(err)}" for err in sorted(validator.iter_errors(record), key=lambda e: list(e.path))]
    if problems:
        raise UserError(problems)
    return _to_sample(record, base)


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """(file line number, cells) of the lines that are not comments or blank."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as err:
        raise UserError(f"sample sheet {path}: not a readable tab-separated text file ({err.reason})") from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append((number, line.split("\t")))
    return out


def _same_file_twice(path: Path, samples: list["Sample"]) -> list[str]:
    """One alignment file under two sample IDs would give two results for one patient's data."""
    first: dict[Path, str] = {}
    problems = []
    for s in samples:
        key = s.bam.resolve()
        if key in first:
            problems.append(f"sample sheet {path.name}: samples {first[key]} and {s.sample} name the same file {s.bam}")
        first.setdefault(key, s.sample)
    return problems


def _check_columns(path: Path, columns: list[str]) -> list[str]:
    schema = load_schema("samples.schema.yaml")
    known, required = set(schema["properties"]), schema["required"]
    problems = [
        f"sample sheet {path.name}: required column {c!r} is missing"
        for c in required
        if c not in columns
    ]
    problems += [
        f"sample sheet {path.name}: unknown column {c!r} (allowed: {', '.join(schema['properties'])})"
        for c in columns
        if c not in known and c != ""
    ]
    dupes = {c for c in columns if columns.count(c) > 1 and c != ""}
    problems += [f"sample sheet {path.name}: column {c!r} appears twice" for c in sorted(dupes)]
    return problems


def _row_record(raw: dict, where: str) -> tuple[dict, list[str]]:
    """Row -> JSON-like record: empty optional cells dropped, numbers parsed."""
    record, problems = {}, []
    for column, value in raw.items():
        if column == "":
            continue  # a trailing tab in the header
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


def _describe(err) -> str:
    """'column X: what is wrong' for one schema violation."""
    if err.validator == "required":
        missing = re.match(r"'([^']+)'", err.message)
        return f"column {missing.group(1) if missing else '?'}: value is empty"
    column = err.path[0] if err.path else "-"
    if err.validator == "pattern":
        return f"column {column}: {err.instance!r} is not allowed ({' '.join(err.schema.get('description', '').split())})"
    if err.validator == "enum":
        return f"column {column}: {err.instance!r} is not one of {', '.join(err.validator_value)}"
    if err.validator == "maxLength":
        return f"column {column}: {len(err.instance)} characters; at most {err.validator_value} (it becomes a file name)"
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
        umi=record.get("umi"),
        specimen=tuple((c, record[c]) for c in SPECIMEN_COLUMNS if record.get(c)),
    )

"""The fusions table: one pyarrow schema for Parquet and TSV, a fixed row order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import atomic_write, write_parquet

FUSION_SCHEMA = pa.schema(
    [
        ("sample", pa.string()),
        ("assay", pa.string()),
        ("fusion", pa.string()),
        ("gene5", pa.string()),
        ("gene3", pa.string()),
        ("transcript5", pa.string()),
        ("transcript3", pa.string()),
        ("exon5", pa.int32()),
        ("exon3", pa.int32()),
        ("breakpoint5", pa.string()),
        ("breakpoint3", pa.string()),
        ("split_reads", pa.int32()),
        ("discordant_pairs", pa.int32()),
        ("supporting_fragments", pa.int32()),
        ("in_frame", pa.bool_()),
        ("kinase_domain_retained", pa.bool_()),
        ("known_partner", pa.bool_()),
        ("confidence", pa.string()),
        ("filters", pa.string()),
        ("vicc_name", pa.string()),
        ("breakpoint_type", pa.string()),
        ("site5", pa.string()),
        ("site3", pa.string()),
        ("duplicate_fragments", pa.int32()),
        ("median_mapq", pa.int32()),
        ("evidence_kinds", pa.string()),
        ("classification", pa.string()),
        ("candidate", pa.int32()),
        ("locus5", pa.string()),
        ("locus3", pa.string()),
        ("max_anchor", pa.int32()),
        ("required_fragments", pa.int32()),
        ("supporting_reads", pa.int32()),
        # each side as Arriba describes it (calling/describe.py geometry); the VCF is written from these
        ("chrom5", pa.string()),
        ("pos5", pa.int64()),
        ("direction5", pa.string()),
        ("strand5", pa.string()),
        ("chrom3", pa.string()),
        ("pos3", pa.int64()),
        ("direction3", pa.string()),
        ("strand3", pa.string()),
        ("sv_type", pa.string()),
        # reads that run through each breakpoint unfused, and the fusion's share (calling/wildtype.py)
        ("wild_type_fragments5", pa.int32()),
        ("wild_type_fragments3", pa.int32()),
        ("fusion_fraction", pa.float64()),
        # with a reference: the fused transcript and peptide across the junction (calling/fused_sequence.py)
        ("junction_sequence", pa.string()),
        ("peptide_sequence", pa.string()),
    ]
)
COLUMNS = FUSION_SCHEMA.names


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a frame with the schema's columns, PASS first, then by support.  The column
    ``_index`` gives each row's place in ``rows``."""
    frame = pd.DataFrame(rows, columns=COLUMNS).assign(_index=range(len(rows)))
    for field in FUSION_SCHEMA:
        if pa.types.is_integer(field.type):
            frame[field.name] = frame[field.name].astype("Int64")
        elif pa.types.is_boolean(field.type):
            frame[field.name] = frame[field.name].astype("boolean")
    if len(frame):
        frame = frame.assign(_pass=frame["filters"] != "").sort_values(
            ["sample", "_pass", "supporting_fragments", "fusion", "breakpoint5", "breakpoint3", "locus5", "locus3"],
            ascending=[True, True, False, True, True, True, True, True], na_position="last", kind="stable",
        ).drop(columns="_pass")  # fmt: skip
    return frame.reset_index(drop=True)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame[COLUMNS], schema=FUSION_SCHEMA, preserve_index=False)


def write(frame: pd.DataFrame, parquet: str | Path, tsv: str | Path) -> None:
    """The same table as Parquet and TSV (empty cells for missing values)."""
    table = to_arrow(frame)
    write_parquet(table, parquet)
    atomic_write(tsv, tsv_text(table))


def tsv_text(table: pa.Table) -> str:
    frame = table.to_pandas()
    for column in ("in_frame", "kinase_domain_retained", "known_partner"):
        frame[column] = frame[column].map({True: "true", False: "false"}).fillna("")
    return frame.to_csv(sep="\t", index=False, lineterminator="\n", na_rep="")


def read(parquet: str | Path) -> pd.DataFrame:
    """A fusion table; columns a table written by an older version lacks are empty."""
    frame = pq.read_table(parquet).to_pandas()
    missing = [c for c in COLUMNS if c not in frame.columns]
    return frame.assign(**{c: None for c in missing}) if missing else frame

"""The records one sample's path leaves on disk, each with its schema, its writer and its reader.

No other module reads a per-sample file: a stage hands the next one typed objects in memory,
and a later job (the cohort tables, a report re-drawn) reads them back here.

bam_info.json     ``BamInfo``: the checks' findings on the alignment file and the NTRK loci read
evidence.parquet  one row per alignment record that tells of a junction (``EVIDENCE_SCHEMA``)
fusions.parquet   one row per candidate fusion (``FUSION_SCHEMA``), and the same as TSV
qc.json           ``SampleResult``: metrics, checks, flags, the result and its reasons
samples.parquet   the cohort: one row per sample (``SAMPLE_SCHEMA``), and the same as TSV
inputs.tsv        the cohort's inputs: one row per sample (``INPUT_COLUMNS``)

Every writer is complete-or-absent (``io``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .io import atomic_write, write_json, write_parquet
from .vocabulary import NTRK_GENES

# -- bam_info.json ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocusCount:
    """One padded NTRK locus as read: its primary reads and how many map ambiguously."""

    gene: str
    region: str  # contig:start-end, 1-based, in the BAM's own contig names
    reads: int
    low_mapq_reads: int


@dataclass(frozen=True)
class BamInfo:
    """What the checks found about one sample's alignment file, and (after calling) the NTRK
    loci read through its index."""

    sample: str
    assay: str
    bam: str
    index: str
    build: str
    chr_prefix: bool
    build_evidence: str
    sort_order: str
    aligner: str
    long_reads: bool = False  # one read is one whole molecule (aligners.long_reads)
    fingerprint: dict = field(default_factory=dict)  # of the file and its index (alignment_file.fingerprint)
    read_group_samples: tuple[str, ...] = ()  # the SM tags of the header's read groups
    warnings: tuple[str, ...] = ()  # visible in qc.json and the report
    loci: tuple[LocusCount, ...] = ()
    partner_genes: tuple[str, ...] = ()  # known 5' partners whose exons the calling read (calling/partner_exons.py)

    @property
    def ntrk_reads(self) -> int:
        return sum(locus.reads for locus in self.loci)

    @property
    def low_mapq_reads(self) -> int:
        return sum(locus.low_mapq_reads for locus in self.loci)

    def to_dict(self) -> dict:
        """The header checks' findings (no loci), e.g. for a rule's params."""
        return {k: v for k, v in asdict(self).items() if k != "loci"}

    @classmethod
    def from_dict(cls, record: dict) -> "BamInfo":
        names = {f.name for f in fields(cls)} - {"loci"}
        values = {k: record[k] for k in names if k in record}
        values["read_group_samples"] = tuple(values.get("read_group_samples", ()))
        values["warnings"] = tuple(values.get("warnings", ()))
        values["partner_genes"] = tuple(values.get("partner_genes", ()))
        loci = tuple(LocusCount(**locus) for locus in record.get("loci", ()))
        return cls(**values, loci=loci)

    def to_json(self) -> dict:
        return asdict(self)

    def reads_by_gene(self) -> dict[str, int]:
        return {locus.gene: locus.reads for locus in self.loci}


def write_bam_info(info: BamInfo, path: str | Path) -> None:
    write_json(info.to_json(), path)


def read_bam_info(path: str | Path) -> BamInfo:
    return BamInfo.from_dict(json.loads(Path(path).read_text()))


INPUT_COLUMNS = ["sample", "assay", "build", "chr_prefix", "aligner", "sort_order", *(f"{g}_reads" for g in NTRK_GENES)]


def write_inputs(infos: list[BamInfo], path: str | Path) -> pd.DataFrame:
    """results/inputs.tsv: one row per sample, sorted by sample."""
    rows = [i.to_dict() | {f"{g}_reads": n for g, n in i.reads_by_gene().items()} for i in infos]
    table = pd.DataFrame(rows, columns=INPUT_COLUMNS).sort_values("sample", ignore_index=True)
    atomic_write(path, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table


# -- evidence.parquet ---------------------------------------------------------------------------

EVIDENCE_SCHEMA = pa.schema(
    [("read_name", pa.string()), ("region", pa.string()), ("kind", pa.string()), ("flag", pa.int32()),
     ("mapq", pa.int32()), ("duplicate", pa.bool_()), ("fragment_key", pa.string()), ("chrom_a", pa.string()),
     ("pos_a", pa.int64()), ("keep_a", pa.string()), ("chrom_b", pa.string()), ("pos_b", pa.int64()),
     ("keep_b", pa.string()), ("mapq_b", pa.int32()), ("anchor_a", pa.int32()), ("anchor_b", pa.int32()),
     ("clip_seq", pa.string()), ("anchor_seq", pa.string()), ("umi", pa.string()), ("set_aside", pa.string()),
     ("homology", pa.int32()), ("homology_seq", pa.string()), ("candidate", pa.int32())]
)  # fmt: skip
EVIDENCE_COLUMNS = EVIDENCE_SCHEMA.names


def write_evidence(frame: pd.DataFrame, path: str | Path) -> None:
    write_parquet(pa.Table.from_pandas(frame, schema=EVIDENCE_SCHEMA, preserve_index=False), path)


def read_evidence(path: str | Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


def as_stored_evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """The evidence table as a reader of evidence.parquet sees it (the schema's types)."""
    return pa.Table.from_pandas(frame, schema=EVIDENCE_SCHEMA, preserve_index=False).to_pandas()


# -- fusions.parquet / fusions.tsv ------------------------------------------------------------

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
        ("support_rule", pa.string()),  # calling/filters.py SUPPORT_RULES: what judged the support
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
        # bases both partners could claim at the junction (DNA: the 5' breakpoint is given before
        # them, as the 3' partner owns them), in the fused molecule's orientation
        ("homology_length", pa.int32()),
        ("homology_sequence", pa.string()),
        # reads that run through each breakpoint unfused, and the fusion's share (calling/wildtype.py)
        ("wild_type_fragments5", pa.int32()),
        ("wild_type_fragments3", pa.int32()),
        ("fusion_fraction", pa.float64()),
        # with a reference: the fused transcript and peptide across the junction (calling/fused_sequence.py)
        ("junction_sequence", pa.string()),
        ("peptide_sequence", pa.string()),
        ("reading_frame", pa.string()),  # in-frame, out-of-frame or stop-codon (with a reference)
    ]
)
FUSION_COLUMNS = FUSION_SCHEMA.names
BOOLEAN_TEXT = {True: "true", False: "false"}  # the TSV's words for a boolean (empty: unknown)


def fusions_arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame[FUSION_COLUMNS], schema=FUSION_SCHEMA, preserve_index=False)


def write_fusions(frame: pd.DataFrame, parquet: str | Path, tsv: str | Path) -> None:
    """The same table as Parquet and TSV (empty cells for missing values)."""
    table = fusions_arrow(frame)
    write_parquet(table, parquet)
    atomic_write(tsv, fusions_tsv_text(table))


PASS_TEXT = "."  # the TSV's filters cell of a candidate that passes every filter (as Arriba writes it)


def fusions_tsv_text(table: pa.Table) -> str:
    frame = table.to_pandas()
    for column in ("in_frame", "kinase_domain_retained", "known_partner"):
        frame[column] = frame[column].map(BOOLEAN_TEXT).fillna("")
    frame["filters"] = frame["filters"].replace("", PASS_TEXT)
    return frame.round(FLOAT_DIGITS).to_csv(sep="\t", index=False, lineterminator="\n", na_rep="")


def as_stored_fusions(frame: pd.DataFrame) -> pd.DataFrame:
    """The fusions table as a reader of fusions.parquet sees it (the schema's types)."""
    return fusions_arrow(frame).to_pandas()


def read_fusions(parquet: str | Path) -> pd.DataFrame:
    """A fusion table; columns a table written by an older version lacks are empty."""
    frame = pq.read_table(parquet).to_pandas()
    missing = [c for c in FUSION_COLUMNS if c not in frame.columns]
    return frame.assign(**{c: None for c in missing}) if missing else frame


# -- qc.json ------------------------------------------------------------------------------------


@dataclass
class SampleResult:
    """One sample's result: what qc.json holds, and what the report and the cohort tables read."""

    sample: str
    assay: str
    result: str  # vocabulary.Result
    reasons: list[str]
    qc_flags: list[str]
    warnings: list[str]
    inputs: dict
    best_fusion: str | None
    best_fusion_name: str | None
    best_fusion_fragments: int | None
    tumour_content: float | None
    dv200: float | None
    build: str
    ntrk_reads: int
    background: dict
    metrics: dict
    checks: list[dict]
    provenance: dict = field(default_factory=dict)
    specimen: dict = field(default_factory=dict)  # the sheet's specimen columns, as the lab gave them

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, record: dict) -> "SampleResult":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in record.items() if k in names})


def write_sample_result(result: SampleResult, path: str | Path) -> None:
    write_json(result.to_json(), path)


def read_sample_result(path: str | Path) -> SampleResult:
    return SampleResult.from_json(json.loads(Path(path).read_text()))


# -- samples.parquet / samples.tsv ------------------------------------------------------------

UNTESTED = pa.struct([("gene", pa.string()), ("intron", pa.int32())])
SAMPLE_SCHEMA = pa.schema(
    [("sample", pa.string()), ("assay", pa.string()), ("result", pa.string()), ("reasons", pa.list_(pa.string())),
     ("qc_flags", pa.list_(pa.string())), ("warnings", pa.list_(pa.string())), ("best_fusion", pa.string()), ("best_fusion_name", pa.string()),
     ("best_fusion_fragments", pa.int32()), ("tumour_content", pa.float64()), ("dv200", pa.float64()),
     ("build", pa.string()), ("ntrk_reads", pa.int64()), ("mapped_reads", pa.int64()),
     ("housekeeping_expressed", pa.string()), ("median_fragment_length", pa.float64()),
     ("fraction_fragments_under_100", pa.float64()), ("median_tin", pa.float64()),
     ("median_cv_coverage", pa.float64()), ("median_5prime_to_3prime_bias", pa.float64()),
     ("NTRK1_3to5_ratio", pa.float64()), ("NTRK2_3to5_ratio", pa.float64()), ("NTRK3_3to5_ratio", pa.float64()),
     ("median_exon_depth", pa.float64()), ("min_baited_intron_depth", pa.float64()),
     ("median_insert_size", pa.float64()), ("duplicate_rate", pa.float64()), ("ntrk_low_mapq_fraction", pa.float64()),
     *((f"detectability_{g}", pa.float64()) for g in NTRK_GENES),
     ("untested_regions", pa.list_(UNTESTED))]
)  # fmt: skip
# The TSV's joins of the list columns (the Parquet keeps lists); no reason holds " | ".
TSV_JOIN = {"reasons": " | ", "qc_flags": ";", "warnings": " | ", "untested_regions": ";"}
FLOAT_DIGITS = 4  # decimals of a fraction or depth in a TSV: enough for any threshold, never 16 digits


def sample_row(result: SampleResult) -> dict:
    """A sample's row of the cohort table."""
    rec, m = result.to_json(), result.metrics
    row = {**rec, **{k: v for k, v in m.items() if k in SAMPLE_SCHEMA.names}}
    row |= {f"detectability_{g}": p for g, p in (m.get("detectability") or {}).items()}
    row["untested_regions"] = list(m.get("untested_regions") or [])
    return row


def write_samples(results: list[SampleResult], parquet: str | Path, tsv: str | Path) -> pd.DataFrame:
    """One row per sample, sorted by sample; the same table as Parquet and TSV."""
    rows = sorted((sample_row(r) for r in results), key=lambda r: r["sample"])
    arrow = pa.Table.from_pylist([{k: row.get(k) for k in SAMPLE_SCHEMA.names} for row in rows], schema=SAMPLE_SCHEMA)
    write_parquet(arrow, parquet)
    atomic_write(tsv, samples_tsv_text(arrow))
    return read_samples(parquet)


def samples_tsv_text(arrow: pa.Table) -> str:
    """The samples table for people and spreadsheets: lists joined, integers as integers, fractions
    to ``FLOAT_DIGITS`` decimals, empty cells for missing values."""
    frame = arrow.to_pandas(types_mapper={pa.int32(): pd.Int64Dtype(), pa.int64(): pd.Int64Dtype()}.get)
    for column, sep in TSV_JOIN.items():
        frame[column] = [sep.join(_words(v) for v in values) for values in frame[column]]
    return frame.round(FLOAT_DIGITS).to_csv(sep="\t", index=False, lineterminator="\n", na_rep="")


def _words(value) -> str:
    if isinstance(value, dict):  # an untested region
        return f"{value['gene']} intron {value['intron']}"
    if " | " in value:
        raise ValueError(f"a reason holds the TSV separator ' | ': {value!r}")
    return value


def read_samples(parquet: str | Path) -> pd.DataFrame:
    """The samples table: integers as nullable integers, lists as lists."""
    table = pq.read_table(parquet)
    frame = table.to_pandas(types_mapper={pa.int32(): pd.Int64Dtype(), pa.int64(): pd.Int64Dtype()}.get)
    for column in TSV_JOIN:
        frame[column] = [list(v) if v is not None else [] for v in frame[column]]
    return frame


# -- per build: exon_boundaries.parquet ---------------------------------------------------------


def write_exon_boundaries(table: pd.DataFrame, path: str | Path) -> None:
    """Every exon boundary's spliced sequence of one build (``calling.clips.boundary_table``)."""
    write_parquet(pa.Table.from_pandas(table, preserve_index=False), path)


def read_exon_boundaries(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def read_json(path: str | Path) -> dict:
    """A run-level JSON record (run_info.json)."""
    return json.loads(Path(path).read_text())

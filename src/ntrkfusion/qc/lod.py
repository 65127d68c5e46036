"""The measured limits of detection, one per kind of input, and the words that state them.

``resources/curated/lod.tsv`` is written by ``benchmarks/dilution.py --full --write-lod`` (the
dilution series with the real aligners) and read here; the README's table and every report's
methods and limitations are made from it, so a figure is never typed twice.  A sample's kind comes
from its assay, its aligner (read from ``@PG``) and whether it has UMIs.
"""

from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from pathlib import Path

from ..aligners import BWA, HISAT2, STAR, STAR_CHIMERIC, STAR_PLAIN
from ..io import atomic_write
from ..paths import RESOURCES
from ..vocabulary import CFDNA, DNA, RNA

LOD_PATH = RESOURCES / "curated" / "lod.tsv"
KIND_WORDS = {
    "rna_star_chimeric": "RNA-seq, STAR with chimeric output",
    "rna_star_plain": "RNA-seq, STAR without chimeric output",
    "rna_hisat2": "RNA-seq, HISAT2",
    "rna_bwa": "RNA-seq, BWA-MEM",
    "rna_panel_umi": "RNA panel (anchored PCR) with UMIs",
    "rna_long_read": "long-read RNA (PacBio, Oxford Nanopore), minimap2",
    "dna_panel": "DNA panel, tissue (~500x)",
    "cfdna_umi": "DNA panel, plasma cfDNA with UMIs (~2,000x)",
}
# Aligners that write no split reads: their junction reads are placed only with ``reference`` set
# (``aligners.evidence_warning``), so their limit of detection is measured, and holds, with it.
NEEDS_REFERENCE = frozenset({"rna_star_plain", "rna_hisat2"})


@dataclass(frozen=True)
class LodRow:
    kind: str  # a key of KIND_WORDS
    unit: str  # "junction molecules" (RNA) or "% allele fraction" (DNA)
    lod: float | None  # the lowest level from which every level is detected in >= 95 % (None: not reached)
    detection: float | None  # the detection rate at that level
    replicates: int  # samples at that level
    false_positives: int
    negatives: int
    lod_molecules: float | None = None  # RNA: supporting molecules found, on average, at the LoD
    reference_yield: float | None = None  # RNA: the benchmark library's junction yield (qc.rna.junction_reads)
    reference_tumour: float | None = None  # RNA: its tumour content, %


def kind_of(assay: str, aligner: str | None, umi: bool, long_reads: bool = False) -> str | None:
    """The kind of input a sample is, for its limit of detection (None: a kind not measured)."""
    if assay == CFDNA:
        return "cfdna_umi"
    if assay == DNA:
        return "dna_panel"
    if assay != RNA:
        return None
    if long_reads:
        return "rna_long_read"
    if umi:
        return "rna_panel_umi"
    return {STAR_CHIMERIC.name: "rna_star_chimeric", STAR_PLAIN.name: "rna_star_plain", STAR.name: "rna_star_plain",
            HISAT2.name: "rna_hisat2", BWA.name: "rna_bwa"}.get(aligner or "")  # fmt: skip


@lru_cache(maxsize=4)
def read_lod(path: Path = LOD_PATH) -> dict[str, LodRow]:
    if not Path(path).is_file():
        return {}
    with open(path, newline="") as fh:
        rows = [r for r in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")]
    def number(text: str, kind=float):
        return None if text in ("", "NA") else kind(text)
    return {r["kind"]: LodRow(r["kind"], r["unit"], number(r["lod"]), number(r["detection"]), int(r["replicates"]),
                              int(r["false_positives"]), int(r["negatives"]), number(r.get("lod_molecules", "")),
                              number(r.get("reference_yield", "")), number(r.get("reference_tumour", "")))
            for r in rows}  # fmt: skip


def write_lod(rows: list[LodRow], path: Path = LOD_PATH, note: str = "") -> None:
    header = "\t".join(f.name for f in fields(LodRow))
    lines = [f"# Limits of detection measured by benchmarks/dilution.py --full{note}; do not edit by hand", header]
    lines += ["\t".join("" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in astuple(r))
              for r in rows]  # fmt: skip
    atomic_write(path, "\n".join(lines) + "\n")
    read_lod.cache_clear()


def statement(kind: str | None) -> str:
    """The limit of detection of a kind of input, in one sentence for a report."""
    row = read_lod().get(kind or "")
    if row is None or row.lod is None:
        return "No limit of detection has been measured for this kind of input."
    level = f"{row.lod:g} {row.unit}" if row.unit != "% allele fraction" else f"{row.lod:g} % allele fraction"
    return (f"Limit of detection ({KIND_WORDS.get(kind, kind)}): {level}, detected in {row.detection:.0%} of "
            f"{row.replicates} simulated samples at that level (benchmarks/dilution.py); "
            f"{row.false_positives} false positives in {row.negatives} negatives.")


def markdown_table(rows: dict[str, LodRow] | None = None) -> str:
    """The README's table of limits of detection."""
    rows = read_lod() if rows is None else rows
    lines = ["| input | LoD95 | detected at the LoD | false positives |", "|---|---|---|---|"]
    for kind, row in rows.items():
        lod = "not reached" if row.lod is None else f"{row.lod:g} {row.unit}"
        at = "—" if row.detection is None else f"{row.detection:.0%} of {row.replicates}"
        lines.append(f"| {KIND_WORDS.get(kind, kind)} | {lod} | {at} | {row.false_positives} of {row.negatives} |")
    return "\n".join(lines)


"""What a run prepares once per genome build before its samples: a lab's annotation built from
its GTF, and the exon-boundary sequences read from the reference."""

from __future__ import annotations

import logging
from pathlib import Path

from ..annotation import load_annotation
from ..annotation.gtf import build_from_gtf
from ..calling.clips import boundary_table
from ..errors import UserError
from ..paths import RESOURCES
from ..records import write_exon_boundaries


def annotation(gtf: str | Path, out_dir: str | Path, build: str) -> dict:
    """The annotation tables of ``build`` from a GENCODE/Ensembl GTF (or GFF3)."""
    return build_from_gtf(Path(gtf), Path(out_dir), build, RESOURCES / "curated/ntrk_kinase_domains.tsv",
                          RESOURCES / "GRCh38")  # fmt: skip


def exon_boundaries(annotation_dir: str, reference: str, build: str, out: str | Path) -> int:
    table = boundary_table(load_annotation(annotation_dir), reference)
    if table.empty:
        raise UserError(f"reference {reference} has no sequence at any exon boundary of the {build} annotation: "
                        "is it the genome the BAMs were aligned to?")  # fmt: skip
    logging.getLogger(__name__).info("%d exon-boundary sequences", len(table))
    write_exon_boundaries(table, out)
    return len(table)

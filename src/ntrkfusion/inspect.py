"""Stage 1 of one BAM's path: check it, name its build, count reads in the NTRK loci.

Writes ``results/{sample}/bam_info.json``; later stages read the build and contig
naming from it rather than guessing again.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pysam

from .annotation import load_annotation
from .bam_input import inspect_sample, probe_loci
from .config import default
from .genome import ContigNames
from .io import atomic_write
from .loci import count_reads, ntrk_regions
from .samplesheet import Sample

SUMMARY_COLUMNS = [
    "sample", "assay", "build", "chr_prefix", "aligner", "sort_order",
    "NTRK1_reads", "NTRK2_reads", "NTRK3_reads",
]  # fmt: skip


def describe_sample(
    sample: Sample, annotation: str, padding: int, reference: str | None = None, genome_build: str | None = None,
    min_mapq: int = default("calling", "min_mapq"), strict_identity: bool = False,
) -> dict:
    """The BAM checks plus primary-read counts over each padded NTRK locus (and how many of
    them map ambiguously, MAPQ < ``min_mapq``)."""
    custom = genome_build not in (None, "", "auto", "GRCh38", "GRCh37")
    info = inspect_sample(sample, reference=reference, genome_build=genome_build, custom_annotation=custom,
                          strict_identity=strict_identity)  # fmt: skip
    ann = load_annotation(annotation if custom else info.build)
    record = info.to_dict()
    log = logging.getLogger(__name__)
    with pysam.AlignmentFile(info.bam, index_filename=info.index, reference_filename=reference) as bam:
        regions = ntrk_regions(ann, ContigNames(tuple(bam.references)), padding)
        if custom:
            probe_loci(Path(info.bam), Path(info.index), reference, regions, sample.sample)
        for region in regions:
            total, low = count_reads(bam, region, min_mapq)
            record |= {f"{region.name}_reads": total, f"{region.name}_low_mapq_reads": low,
                       f"{region.name}_region": str(region)}  # fmt: skip
            log.info("%s %s: %d reads, %d with MAPQ < %d", region.name, region, total, low, min_mapq)
    for warning in info.warnings:
        log.warning(warning)
    return record


def summarise(json_paths: list[str | Path], out_tsv: str | Path) -> pd.DataFrame:
    """One row per sample, sorted by sample, written as TSV."""
    rows = [json.loads(Path(p).read_text()) for p in json_paths]
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS).sort_values("sample", ignore_index=True)
    atomic_write(out_tsv, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table


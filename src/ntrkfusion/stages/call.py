"""The calling stage: one open alignment file -> its evidence and candidate fusions (``Called``),
and the files that hold them (bam_info.json, evidence.parquet, fusions.parquet/.tsv, the VCF)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd
import pysam

from ..aligners import by_name
from ..annotation import Annotation
from ..calling.engine import call_sample, settings_from_config
from ..calling.pon import PanelOfNormals
from ..calling.table import qualifying
from ..records import (BamInfo, LocusCount, as_stored_evidence, as_stored_fusions, write_bam_info, write_evidence,
                       write_fusions)
from ..samplesheet import Sample
from ..vcf import write_vcf
from .layout import SampleFiles


@dataclass
class Called:
    """What calling found: the file's checks with the loci read, the evidence and the candidates."""

    info: BamInfo
    evidence: pd.DataFrame
    fusions: pd.DataFrame


@lru_cache(maxsize=4)
def _panel(path: str) -> PanelOfNormals:
    return PanelOfNormals.load(path)


def call(sample: Sample, info: BamInfo, bam: pysam.AlignmentFile, ann: Annotation, config: dict,
         files: SampleFiles, boundaries: pd.DataFrame | None = None) -> Called:  # fmt: skip
    """Read each padded NTRK locus once for the evidence and its read counts, cluster, annotate
    and filter; write bam_info.json, evidence.parquet, fusions.parquet and .tsv and
    fusions.vcf.gz (+ .tbi).  ``config``: the sample's (``config.for_sample``)."""
    reference = config.get("reference") or None
    pon = _panel(config["panel_of_normals"]).restricted(sample.assay, ann.build) if config.get("panel_of_normals") else None
    result = call_sample(bam, sample.sample, sample.assay, ann, reference=reference,
                         settings=replace(settings_from_config(config), long_reads=info.long_reads,
                                          read_partner_exons=by_name(info.aligner).split_reads is not True),
                         boundaries=boundaries, pon=pon)  # fmt: skip
    loci = tuple(LocusCount(c.gene, c.region, c.reads, c.low_mapq_reads) for c in result.loci)
    info = replace(info, loci=loci, partner_genes=result.partner_genes)
    _log(info, result.evidence, result.fusions, ann.build)
    write_evidence(result.evidence, files.evidence)
    write_fusions(result.fusions, files.fusions, files.fusions_tsv)
    write_vcf(result.fusions, info.sample, dict(zip(bam.references, bam.lengths)), info.build, files.vcf, reference)
    write_bam_info(info, files.bam_info)
    # the later stages read the tables as a reader of the files would (the schemas' types)
    return Called(info, as_stored_evidence(result.evidence), as_stored_fusions(result.fusions))


def _log(info: BamInfo, ev: pd.DataFrame, f: pd.DataFrame, build: str) -> None:
    log = logging.getLogger(__name__)
    for locus in info.loci:
        log.info("%s %s: %d reads, %d with low MAPQ", locus.gene, locus.region, locus.reads, locus.low_mapq_reads)
    for warning in info.warnings:
        log.warning(warning)
    log.info("read %s (%s, %s): %d evidence records", info.bam, info.assay, build, len(ev))
    aside = Counter(ev["set_aside"][ev["set_aside"] != ""])
    log.info("set aside as background: %s", dict(sorted(aside.items())) or "none")
    log.info("candidates: %d (%s)", len(f), dict(Counter(f["classification"])) or "none")
    for row in f.itertuples():
        log.info("  %s %s %s: %d fragments, %s, filters %s", row.fusion, row.breakpoint5, row.breakpoint3,
                 row.supporting_fragments, row.classification, row.filters or "none")  # fmt: skip


def summary(called: Called) -> str:
    """A few lines for a person at a terminal.  A file without reads in the NTRK loci could not
    have shown a fusion, and the summary says so rather than look like a negative."""
    f, sample, ntrk_reads = called.fusions, called.info.sample, called.info.ntrk_reads
    lines = [f"{sample}: {len(called.evidence)} evidence records, {len(f)} candidate(s), "
             f"{len(qualifying(f))} passing; {ntrk_reads} reads in the NTRK loci"]  # fmt: skip
    if ntrk_reads == 0:
        lines.append("  no read in the NTRK loci: this file could not have shown an NTRK fusion (not a negative)")
    for r in f.head(10).itertuples():
        status = "PASS" if not r.filters else f"filtered: {r.filters}"
        lines.append(f"  {r.vicc_name}  {r.breakpoint5} {r.breakpoint3}  split={r.split_reads} "
                     f"discordant={r.discordant_pairs} fragments={r.supporting_fragments}  "
                     f"in_frame={r.in_frame} kinase={r.kinase_domain_retained}  {status}")  # fmt: skip
    return "\n".join(lines)

"""Depth counted once (issue 22): the unique depth of the DNA QC equals an independent count on
the simulated panels, ``samtools depth -s`` (overlapping mates once) over the reads samtools
markdup leaves unflagged, by position for a tissue panel and by position and UMI (molecules)
for a cfDNA panel; with the duplicates flagged, and with none flagged (the QC finds them).  Both libraries are deeper than the read budget, so the estimate is tested,
not only the exact count; and the duplicates are flagged, which the estimate once removed twice."""

import subprocess

import numpy as np
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.molecules import UmiReader
from ntrkfusion.genome import ContigNames
from ntrkfusion.qc.coverage import BUDGET
from ntrkfusion.qc.dna import dna_metrics

from .helpers import CACHE, once

ANN = load_annotation("GRCh38")
# The median over a panel's exon bases pools every sampled read: its sampling error is ~1-2 %
# (one exon's mean, from ~100 sampled reads, is within ~10 %: not what is compared)
TOLERANCE = 0.03


def _marked(catalogue, name: str):
    """The case's BAM with duplicates flagged by samtools markdup (by UMI where it has them)."""
    folder = CACHE / "markdup" / catalogue.folder.name

    def build(case: str, out) -> None:
        out.mkdir(parents=True, exist_ok=True)
        source, bam = catalogue.sims[case].bam, out / f"{case}.bam"
        barcode = ["--barcode-tag", "RX"] if case.startswith("cfdna") else []
        script = (f"samtools collate -O -u {source} | samtools fixmate -m -u - - | samtools sort -u - | "
                  f"samtools markdup {' '.join(barcode)} - {bam} && samtools index {bam}")  # fmt: skip
        subprocess.run(["bash", "-o", "pipefail", "-c", script], check=True, capture_output=True)

    once(folder, [name], build)
    return folder / name / f"{name}.bam"


def _samtools_depth(bam, chrom: str, start: int, end: int) -> np.ndarray:
    """Depth at each base of [start, end) (0-based) by samtools depth -s, over primary,
    non-duplicate reads."""
    out = subprocess.run(["samtools", "depth", "-a", "-s", "-G", "UNMAP,SECONDARY,QCFAIL,DUP,SUPPLEMENTARY",
                          "-r", f"{chrom}:{start + 1}-{end}", str(bam)], capture_output=True, text=True, check=True).stdout  # fmt: skip
    return np.array([int(line.split("\t")[2]) for line in out.splitlines()], dtype=float)


def _panel_exon_bases(bam, bed) -> np.ndarray:
    """samtools' depth at the bases the DNA QC measures: NTRK coding exon bases inside the targets."""
    targets = [line.split("\t")[:3] for line in bed.read_text().splitlines() if line.strip()]
    depths = []
    for gene in ("NTRK1", "NTRK2", "NTRK3"):
        tx = ANN.transcript(gene)
        for chrom, start, end in zip(*(ANN.exons(gene)[c] for c in ("chrom", "start", "end"))):
            depth = _samtools_depth(bam, chrom, int(start), int(end))
            pos = np.arange(int(start), int(end))
            inside = np.zeros(len(pos), dtype=bool)
            for c, s, e in targets:
                inside |= (c == chrom) & (pos >= int(s)) & (pos < int(e))
            depths.append(depth[inside & (pos >= tx["cds_start"]) & (pos < tx["cds_end"])])
    return np.concatenate(depths)


@pytest.mark.parametrize("name, umi", [("negative_dna", None), ("cfdna_negative", UmiReader("RX"))])
def test_depth_equals_samtools_over_unique_reads_and_molecules(catalogue, name, umi):
    bam_path = _marked(catalogue, name)
    bed = catalogue.sims[name].panel_bed
    with pysam.AlignmentFile(str(bam_path)) as bam:
        flagged = sum(r.is_duplicate for r in bam.fetch("chr1", *_span("NTRK1")))
        assert flagged > 0 and bam.count("chr1", *_span("NTRK1")) > 2 * BUDGET  # duplicates flagged; estimated
        m = dna_metrics(bam, ANN, ContigNames(tuple(bam.references)), bed, tumour_content=10, k=3, umi=umi)
    theirs = _panel_exon_bases(bam_path, bed)
    assert len(theirs) > 1000 and np.median(theirs) > 300
    assert m["median_exon_depth"] == pytest.approx(np.median(theirs), rel=TOLERANCE)
    # the simulated BAM as written, with nothing flagged: the QC's own duplicate (and UMI) test
    with pysam.AlignmentFile(str(catalogue.sims[name].bam)) as bam:
        assert not any(r.is_duplicate for r in bam.fetch("chr1", *_span("NTRK1")))
        raw = dna_metrics(bam, ANN, ContigNames(tuple(bam.references)), bed, tumour_content=10, k=3, umi=umi)
    assert raw["median_exon_depth"] == pytest.approx(np.median(theirs), rel=TOLERANCE)


def _span(gene: str) -> tuple[int, int]:
    tx = ANN.transcript(gene)
    return int(tx["tx_start"]), int(tx["tx_end"])

#!/usr/bin/env python3
"""Write resources/example/: two small BAMs that exercise input checks and NTRK read counting.

    python scripts/make_input_example.py

A GRCh38 RNA sample with chr-prefixed contigs and a GRCh37 DNA sample with bare contig
names, each with reads on NTRK1/2/3 exons (positions from the bundled annotation).  These
stand in until the simulator (`ntrkfusion simulate`) writes aligner-made example BAMs.
"""

from pathlib import Path

from ntrkfusion.annotation import load_annotation
from ntrkfusion.testing import Read, write_bam

OUT = Path(__file__).resolve().parents[1] / "resources" / "example"
READS_PER_GENE = {"NTRK1": 30, "NTRK2": 20, "NTRK3": 10}


def reads_on_ntrk(build: str) -> list[Read]:
    ann = load_annotation(build)
    reads = []
    for gene, n in READS_PER_GENE.items():
        exons = ann.exons(gene)
        exons = exons[(exons["end"] - exons["start"]) >= 100].reset_index(drop=True)
        for i in range(n):
            exon = exons.iloc[i % len(exons)]
            reads.append(Read(f"{gene}_{i}", exon["chrom"], int(exon["start"]) + 1))
    return reads


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    write_bam(OUT / "rna_grch38.bam", reads_on_ntrk("GRCh38"), build="GRCh38", chr_prefix=True, seed=1)
    write_bam(OUT / "dna_grch37.bam", reads_on_ntrk("GRCh37"), build="GRCh37", chr_prefix=False, seed=2)
    print(f"wrote {OUT}")

#!/usr/bin/env python3
"""A benchmark BAM with the read profile of a real RNA-seq library of a given size.

    python benchmarks/deep_library.py --pairs 100000000 [--background 2000000] [--out benchmarks/data]

Every region a sample's stages read is there at the density of a ``--pairs`` library: the
control (housekeeping) genes at their share of a real library, NTRK2 at brain-level expression,
NTRK1 and NTRK3 low (shares below, from GTEx-like median TPM x transcript length; approximate).
The rest of the library, which no stage reads, is stood in for by ``--background`` pairs spread
over chr1-chr22 (so the index has a real shape) rather than written out in full.  Reads are
100 bp pairs of 300 bp fragments, spliced along each gene's MANE transcript (N gaps), written
as SAM text to ``samtools view`` and indexed.  Built once per size and reused.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np

from ntrkfusion.annotation import load_annotation
from ntrkfusion.genome import GRCH38_LENGTHS

ROOT = Path(__file__).resolve().parents[1]
READ, FRAGMENT = 100, 300
# fraction of all read pairs per gene (median TPM x length, normalised; GAPDH ~3000 TPM,
# ACTB ~3000, B2M ~5000; NTRK2 ~100 TPM in brain over a 9 kb transcript; NTRK1/3 ~1-5 TPM)
SHARES = {
    "GAPDH": 2.0e-3, "ACTB": 2.7e-3, "B2M": 2.5e-3, "PSMB2": 1.2e-4, "VCP": 2.0e-4, "CHMP2A": 1.5e-4,
    "RAB7A": 2.0e-4, "EMC7": 8.0e-5, "VPS29": 1.0e-4, "SNRPD3": 1.0e-4,
    "NTRK2": 4.5e-4, "NTRK1": 1.0e-5, "NTRK3": 5.0e-5,
}  # fmt: skip
# the known 5' partners of resources/curated/ntrk_known_partners.tsv that a tumour expresses highly
# (GTEx-like median TPM x length; CD74 as in an immune-rich tumour), the others at 5e-5: what the
# calling's read of the partners' exons (calling/partner_exons.py) meets in a real library
PARTNER_SHARES = {
    "CD74": 3.0e-3, "LMNA": 1.5e-3, "TPM3": 1.0e-3, "SQSTM1": 8.0e-4, "TPM4": 6.0e-4, "VCL": 5.0e-4,
    "KIF5B": 3.0e-4, "MPRIP": 2.0e-4, "TPR": 1.5e-4, "IRF2BP2": 1.5e-4, "TFG": 1.0e-4, "ETV6": 1.0e-4,
    "EML4": 1.0e-4, "PPL": 1.0e-4, "QKI": 1.0e-4,
}  # fmt: skip


def build(pairs: int, background: int, out_dir: Path, partners: bool = False) -> Path:
    """The library's BAM (built once per size); ``partners``: with the known 5' partners' reads too."""
    out = out_dir / f"deep_{pairs // 1_000_000}M{'_partners' if partners else ''}.bam"
    if out.is_file() and Path(str(out) + ".bai").is_file():
        return out
    out_dir.mkdir(parents=True, exist_ok=True)
    ann = load_annotation("GRCh38")
    rng = np.random.default_rng(7)
    records: list[tuple[int, int, str]] = []
    order = {c: i for i, c in enumerate(GRCH38_LENGTHS)}
    shares = dict(SHARES)
    if partners:
        from ntrkfusion.calling.partner_exons import known_5prime_partners

        shares |= {gene: PARTNER_SHARES.get(gene, 5.0e-5) for gene in known_5prime_partners(ann)}
    for gene, share in shares.items():
        records += _gene_pairs(ann, gene, int(pairs * share), rng, order)
    records += _background(background, rng, order, ann, tuple(shares))
    records.sort()
    header = "@HD\tVN:1.6\tSO:coordinate\n" + "".join(f"@SQ\tSN:{c}\tLN:{n}\n" for c, n in GRCH38_LENGTHS.items())
    header += "@RG\tID:deep\tSM:deep\n@PG\tID:STAR\tPN:STAR\tVN:2.7.10b\n"
    tmp = out.with_suffix(".tmp.bam")
    with subprocess.Popen(["samtools", "view", "-b", "-@", "2", "-o", str(tmp), "-"], stdin=subprocess.PIPE,
                          text=True) as proc:  # fmt: skip
        proc.stdin.write(header)
        proc.stdin.writelines(line for _, _, line in records)
    tmp.rename(out)
    subprocess.run(["samtools", "index", str(out)], check=True)
    return out


def _gene_pairs(ann, gene: str, n: int, rng, order) -> list[tuple[int, int, str]]:
    exons = ann.exons(gene)
    tx = ann.transcript(gene)
    spans = sorted(zip(exons["start"].astype(int), exons["end"].astype(int)))  # genomic order
    lengths = np.array([e - s for s, e in spans])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    total = int(offsets[-1])
    seq, qual = "A" * READ, "F" * READ
    out = []
    for i, start in enumerate(rng.integers(0, max(1, total - FRAGMENT), size=n)):
        r1, r2 = int(start), int(start) + FRAGMENT - READ  # genomic-order offsets in the spliced exons
        (p1, c1), (p2, c2) = _align(spans, offsets, r1), _align(spans, offsets, r2)
        name = f"{gene}.{i}"
        chrom = tx["chrom"]
        tlen = abs(p2 + READ - p1)
        out.append((order[chrom], p1, f"{name}\t99\t{chrom}\t{p1 + 1}\t255\t{c1}\t=\t{p2 + 1}\t{tlen}\t{seq}\t{qual}\n"))
        out.append((order[chrom], p2, f"{name}\t147\t{chrom}\t{p2 + 1}\t255\t{c2}\t=\t{p1 + 1}\t{-tlen}\t{seq}\t{qual}\n"))
    return out


def _align(spans, offsets, tx_offset: int) -> tuple[int, str]:
    """Genomic start (0-based) and CIGAR of a read at an offset of the spliced exons."""
    i = int(np.searchsorted(offsets, tx_offset, side="right") - 1)
    pos = spans[i][0] + tx_offset - int(offsets[i])
    cigar, left, at = [], READ, pos
    while left > 0 and i < len(spans):
        take = min(left, spans[i][1] - at)
        cigar.append(f"{take}M")
        left -= take
        if left > 0 and i + 1 < len(spans):
            cigar.append(f"{spans[i + 1][0] - spans[i][1]}N")
            at = spans[i + 1][0]
        i += 1
    if left > 0:
        cigar.append(f"{left}S")
    return pos, "".join(cigar)


def _background(n: int, rng, order, ann, genes: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Pairs over chr1-chr22 away from the genes above: the part of the library no stage reads."""
    chroms = [f"chr{i}" for i in range(1, 23)]
    weights = np.array([GRCH38_LENGTHS[c] for c in chroms], dtype=float)
    busy = [(ann.transcript(g)["chrom"], int(ann.transcript(g)["tx_start"]) - 20_000,
             int(ann.transcript(g)["tx_end"]) + 20_000) for g in genes]  # fmt: skip
    seq, qual = "C" * READ, "F" * READ
    out = []
    for chrom, k in zip(chroms, rng.multinomial(n, weights / weights.sum())):
        starts = np.sort(rng.integers(1, GRCH38_LENGTHS[chrom] - 1000, size=k))
        for c, s, e in busy:
            if c == chrom:
                starts = starts[(starts + FRAGMENT < s) | (starts > e)]
        for i, p in enumerate(starts.tolist()):
            mate = p + FRAGMENT - READ
            name = f"bg.{chrom}.{i}"
            out.append((order[chrom], p, f"{name}\t99\t{chrom}\t{p + 1}\t60\t{READ}M\t=\t{mate + 1}\t{FRAGMENT}\t{seq}\t{qual}\n"))
            out.append((order[chrom], mate, f"{name}\t147\t{chrom}\t{mate + 1}\t60\t{READ}M\t=\t{p + 1}\t{-FRAGMENT}\t{seq}\t{qual}\n"))
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000_000, help="library size the profile follows")
    parser.add_argument("--background", type=int, default=2_000_000, help="pairs standing in for the rest")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/data", help="folder for the BAM")
    parser.add_argument("--partners", action="store_true", help="the known 5' partners' reads too")
    args = parser.parse_args()
    print(build(args.pairs, args.background, args.out, args.partners))

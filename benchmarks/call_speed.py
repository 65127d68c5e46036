#!/usr/bin/env python3
"""Per-sample calling time and memory against the I/O floor, on a large BAM.

    python benchmarks/call_speed.py [--pairs 20000000] [--data benchmarks/data]

Builds (once; reused afterwards) a coordinate-sorted BAM with ``--pairs`` background read
pairs spread over chr1-chr22 outside the NTRK loci, merged with the bundled ETV6-NTRK3
example, then prints from one run:
  - our call time (``ntrkfusion call``, a separate process) and its peak RSS,
  - ``samtools view -c`` over the same three padded NTRK regions (the I/O floor),
  - their ratio; and the same on a BAM with a quarter of the background, to show that the
    time does not grow with the background (only the NTRK loci are read).
Needs samtools on the PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ntrkfusion.annotation import load_annotation
from ntrkfusion.genome import ContigNames, GRCH38_LENGTHS
from ntrkfusion.loci import ntrk_regions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources/example/etv6_ntrk3.bam"
READ, INSERT = 100, 300


def build(pairs: int, out: Path) -> Path:
    """Background pairs (sorted SAM text piped to samtools), merged with the example BAM."""
    if out.is_file() and Path(str(out) + ".bai").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    regions = ntrk_regions(load_annotation("GRCh38"), ContigNames(tuple(GRCH38_LENGTHS)), 100_000)
    header = subprocess.run(["samtools", "view", "-H", str(EXAMPLE)], capture_output=True, text=True, check=True)
    background = out.with_suffix(".background.bam")
    samtools = subprocess.Popen(["samtools", "view", "-b", "-@", "2", "-o", str(background), "-"],
                                stdin=subprocess.PIPE, text=True)  # fmt: skip
    samtools.stdin.write(header.stdout)
    rng = np.random.default_rng(1)
    chroms = [f"chr{i}" for i in range(1, 23)]
    weights = np.array([GRCH38_LENGTHS[c] for c in chroms], dtype=float)
    per_chrom = rng.multinomial(pairs, weights / weights.sum())
    seq, qual = "ACGT" * (READ // 4), "F" * READ
    serial = 0
    for chrom, n in zip(chroms, per_chrom):
        starts = np.sort(rng.integers(1, GRCH38_LENGTHS[chrom] - 1000, size=n))
        for r in regions:  # keep the NTRK loci free of background
            if r.contig == chrom:
                starts = starts[(starts + INSERT < r.start) | (starts > r.end)]
        mates = starts + INSERT - READ
        order = np.argsort(np.concatenate([starts, mates]), kind="stable")
        names = np.concatenate([np.arange(len(starts)), np.arange(len(starts))]) + serial
        for i in order:
            k = int(names[i])
            first = i < len(starts)
            pos, mpos = (int(starts[i]), int(mates[i])) if first else (int(mates[i - len(starts)]), int(starts[i - len(starts)]))
            flag, tlen = (99, INSERT) if first else (147, -INSERT)
            samtools.stdin.write(f"bg{k}\t{flag}\t{chrom}\t{pos}\t60\t{READ}M\t=\t{mpos}\t{tlen}\t{seq}\t{qual}\n")
        serial += len(starts)
    samtools.stdin.close()
    if samtools.wait() != 0:
        sys.exit("samtools view failed")
    subprocess.run(["samtools", "merge", "-f", "-@", "2", "-o", str(out), str(background), str(EXAMPLE)], check=True)
    subprocess.run(["samtools", "index", "-@", "2", str(out)], check=True)
    background.unlink()
    return out


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB, from GNU time) of one command."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def engine_time(bam: Path, repeats: int) -> float:
    """The calling engine alone, in this process (annotation loaded once, as in a warm job)."""
    from ntrkfusion.calling.engine import call_sample

    ann = load_annotation("GRCh38")
    call_sample(bam, "bench", "rna", ann)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call_sample(bam, "bench", "rna", ann)
        best = min(best, time.perf_counter() - start)
    return best


def measure(bam: Path, out: Path, repeats: int) -> dict:
    regions = [str(r) for r in ntrk_regions(load_annotation("GRCh38"), ContigNames(tuple(GRCH38_LENGTHS)), 10_000)]
    ours = min(timed([sys.executable, "-m", "ntrkfusion.cli", "call", str(bam), "--assay", "rna",
                      "--out", str(out)]) for _ in range(repeats))  # fmt: skip
    floor = min(timed(["samtools", "view", "-c", str(bam), *regions]) for _ in range(repeats))
    return dict(ours=ours[0], rss=ours[1], floor=floor[0], engine=engine_time(bam, repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000_000)
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks/data")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("samtools") is None:
        sys.exit("needs samtools (Debian: apt-get install samtools)")
    sizes = [args.pairs // 4, args.pairs]
    results = {}
    for pairs in sizes:
        t = time.perf_counter()
        bam = build(pairs, args.data / f"background_{pairs}.bam")
        print(f"BAM with {pairs:,} background pairs: {bam} ({os.path.getsize(bam) / 1e9:.2f} GB, "
              f"ready in {time.perf_counter() - t:.0f} s)")  # fmt: skip
        results[pairs] = measure(bam, args.data / "calls", args.repeats)
    for pairs, r in results.items():
        print(f"\n{pairs:,} background pairs (best of {args.repeats}):")
        print(f"  ntrkfusion call (a process): {r['ours']:.3f} s, peak RSS {r['rss']:.0f} MB")
        print(f"  calling engine in-process:   {r['engine']:.3f} s")
        print(f"  samtools view -c (floor):    {r['floor']:.3f} s")
        print(f"  ratio process / floor:       {r['ours'] / r['floor']:.1f}")
        print(f"  ratio engine / floor:        {r['engine'] / r['floor']:.1f}")
    small, large = (results[p]["ours"] for p in sizes)
    print(f"\ntime with {sizes[1]:,} / with {sizes[0]:,} background pairs: {large / small:.2f} (flat = 1)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Per-sample time and peak memory of each stage at realistic depth, against I/O floors.

    python benchmarks/stage_speed.py [--sizes 10000000 100000000] [--data benchmarks/data] [--repeat 3]

For each library size, builds (once) the BAM of ``deep_library.py`` and runs, each as its own
process, ``call`` (checks, bam_info.json and the calls: ``ntrkfusion call``) and ``sample`` (the
workflow's one per-sample job: the same, then QC, qc.json, the supporting reads and report.html),
best of ``--repeat``.  In the same run it measures the floors:
``samtools view -c`` over the regions the stage reads (the padded NTRK loci; plus the control
genes for QC), and a minimal pysam script reading the three NTRK loci (Python start-up and
pysam import included).  Prints seconds, peak RSS, the ratios to the floors, and how each
stage's time grows from the smallest to the largest library.  Needs samtools.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
STAGES = ("call", "sample")  # `ntrkfusion call`, and the workflow's whole per-sample job

MINIMAL = """
import sys, pysam
bam = pysam.AlignmentFile(sys.argv[1])
print(sum(1 for region in sys.argv[2:] for _ in bam.fetch(region=region)))
"""


def stage(name: str, bam: str, out: Path) -> None:
    """Run one stage in this process (called in a child process): ``call`` (ntrkfusion call) or
    ``sample`` (the workflow's whole per-sample job: check, call, QC, result, report)."""
    from ntrkfusion.config import with_defaults
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse, call_only

    config = with_defaults({"samples": "-"})
    sample = Sample("deep", Path(bam), "rna", 60.0, None, None)
    (call_only if name == "call" else analyse)(sample, config, SampleFiles(out / name))


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - start, usage.ru_maxrss // 1024


def best(cmd: list[str], repeat: int) -> tuple[float, int]:
    runs = [timed(cmd) for _ in range(repeat)]
    return min(t for t, _ in runs), max(m for _, m in runs)


def regions(with_controls: bool) -> list[str]:
    from deep_library import SHARES

    from ntrkfusion.annotation import load_annotation
    from ntrkfusion.genome import GRCH38_LENGTHS, ContigNames
    from ntrkfusion.loci import ntrk_regions

    ann = load_annotation("GRCh38")
    out = [str(r) for r in ntrk_regions(ann, ContigNames(tuple(GRCH38_LENGTHS)), 10_000)]
    if with_controls:
        out += [f"{ann.transcript(g)['chrom']}:{int(ann.transcript(g)['tx_start']) + 1}-{int(ann.transcript(g)['tx_end'])}"
                for g in SHARES if not g.startswith("NTRK")]  # fmt: skip
    return out


def main() -> None:
    from deep_library import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks/data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    minimal = Path(tempfile.mkdtemp()) / "minimal.py"
    minimal.write_text(MINIMAL)
    rows = {}
    for size in args.sizes:
        bam = str(build(size, 2_000_000, args.data))
        out = Path(tempfile.mkdtemp())
        floors = {
            "ntrk": best(["samtools", "view", "-c", bam, *regions(False)], args.repeat),
            "qc": best(["samtools", "view", "-c", bam, *regions(True)], args.repeat),
            "pysam": best([sys.executable, str(minimal), bam, *regions(False)], args.repeat),
        }
        times = {s: best([sys.executable, __file__, "--stage", s, bam, str(out)], args.repeat) for s in STAGES}
        rows[size] = (floors, times)
        print(f"\n{size / 1e6:.0f} M pairs ({bam})")
        print(f"  floors: samtools view -c NTRK loci {floors['ntrk'][0]:.3f} s, NTRK loci + control genes "
              f"{floors['qc'][0]:.3f} s; minimal pysam script {floors['pysam'][0]:.3f} s")  # fmt: skip
        for s, (t, mb) in times.items():
            floor = floors["qc" if s == "sample" else "ntrk"][0]
            print(f"  {s:8s} {t:6.3f} s  {mb:4d} MB peak  x{t / floor:5.1f} samtools  x{t / floors['pysam'][0]:4.1f} "
                  "minimal pysam")  # fmt: skip
    if len(rows) > 1:
        small, large = min(rows), max(rows)
        print(f"\ngrowth {large / 1e6:.0f} M / {small / 1e6:.0f} M pairs:")
        for s in STAGES:
            print(f"  {s:8s} x{rows[large][1][s][0] / rows[small][1][s][0]:.2f}")
        total = {n: sum(t for t, _ in rows[n][1].values()) for n in (small, large)}
        print(f"  {'total':8s} x{total[large] / total[small]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--stage":
        stage(sys.argv[2], sys.argv[3], Path(sys.argv[4]))
    else:
        main()

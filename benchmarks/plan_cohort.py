#!/usr/bin/env python3
"""How long Snakemake takes to plan a large cohort (`snakemake -n`), and its memory.

    python benchmarks/plan_cohort.py [--samples 1000]

Writes a sample sheet of N samples (each pointing at one of the bundled example BAMs) in a
temporary working directory and times one dry run with the SLURM profile, with GNU time for the
peak RSS.  Baseline, measured in the same run: the dry run of the 5-sample example.  Target: under
10 s for 1000 samples.  Planning reads each BAM's header and the existence of its index (the
checks that must fail before any job runs: header, index, a probe read of each NTRK locus, the
fingerprints), nothing else.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources/example"


def plan(workdir: Path) -> tuple[float, float, int]:
    cmd = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "snakemake", "-n", "--quiet", "rules",
           "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir),
           "--workflow-profile", str(ROOT / "workflow/profiles/slurm")]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(done.stderr[-2000:])
    jobs = sum(int(line.split()[-1]) for line in done.stdout.splitlines()[2:] if line.split()[-1:] and
               line.split()[-1].isdigit() and line.split()[0] != "total")  # fmt: skip
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024, jobs


def cohort(workdir: Path, n: int) -> Path:
    """N samples, each its own file (hard links of the example BAMs and indexes: one file under
    two sample IDs is refused)."""
    example = pd.read_csv(EXAMPLE / "samples.tsv", sep="\t", keep_default_na=False)
    rows = []
    (workdir / "bams").mkdir(parents=True)
    for i in range(n):
        r = example.iloc[i % len(example)]
        bam = workdir / "bams" / f"S{i:05d}.bam"
        os.link(EXAMPLE / r["bam"], bam)
        os.link(EXAMPLE / f"{r['bam']}.bai", f"{bam}.bai")
        rows.append(dict(sample=f"S{i:05d}_{r['sample']}", bam=str(bam), assay=r["assay"],
                         tumour_content=r["tumour_content"], dv200=r["dv200"],
                         panel_bed=str(EXAMPLE / r["panel_bed"]) if r["panel_bed"] else ""))  # fmt: skip
    (workdir / "config").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(workdir / "config/samples.tsv", sep="\t", index=False)
    (workdir / "config/config.yaml").write_text("samples: config/samples.tsv\n")
    return workdir


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = plan(cohort(Path(tmp) / "small", 5))
        large = plan(cohort(Path(tmp) / "large", args.samples))
    print(f"snakemake -n, 5 samples:      {small[0]:.2f} s, peak RSS {small[1]:.0f} MB, {small[2]} jobs")
    print(f"snakemake -n, {args.samples} samples: {large[0]:.2f} s, peak RSS {large[1]:.0f} MB, {large[2]} jobs")
    print(f"ratio {args.samples} / 5 samples: {large[0] / small[0]:.1f} (target: under 10 s)")


if __name__ == "__main__":
    main()

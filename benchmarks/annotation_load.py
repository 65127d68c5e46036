#!/usr/bin/env python3
"""How long loading the bundled annotation and looking positions up takes.

    python benchmarks/annotation_load.py [--build GRCh38] [--lookups 2000]

Baseline, measured in the same run: parsing the equivalent gzipped UCSC text table
(what a job would do without the compact Parquet tables), when ../shared is present;
otherwise a plain re-read of the Parquet files with pyarrow (the I/O floor).
"""

import argparse
import random
import resource
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ntrkfusion.annotation.model import Annotation
from ntrkfusion.paths import RESOURCES

SHARED = Path(__file__).resolve().parents[2] / "shared/data/annotation"
SHARED_TABLE = SHARED / "annot_utils_ucsc_wgEncodeGencodeCompV31.hg38.txt.gz"


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="GRCh38")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    directory = RESOURCES / args.build
    load_s, ann = timed(lambda: Annotation(directory))
    if SHARED_TABLE.is_file():
        label = "parse gzipped UCSC genePred text (pandas)"
        base_s, _ = timed(lambda: pd.read_csv(SHARED_TABLE, sep="\t", header=None))
    else:
        label = "read the Parquet files with pyarrow (I/O floor)"
        base_s, _ = timed(lambda: [pq.read_table(p) for p in sorted(directory.glob("*.parquet"))])
    rng = random.Random(1)
    ntrk1 = ann.transcript("NTRK1")
    positions = [rng.randint(int(ntrk1["tx_start"]), int(ntrk1["tx_end"])) for _ in range(args.lookups)]
    look_s, _ = timed(lambda: [ann.locate("chr1", p) for p in positions])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"annotation load ({args.build}, {len(ann.transcripts)} transcripts): {load_s:.3f} s")
    print(f"baseline, {label}: {base_s:.3f} s")
    print(f"ratio load / baseline: {load_s / base_s:.2f}")
    print(f"locate(): {args.lookups / look_s:,.0f} look-ups/s ({1e6 * look_s / args.lookups:.0f} us each)")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()

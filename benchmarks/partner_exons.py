#!/usr/bin/env python3
"""What reading the known 5' partners' exons costs the calling (``calling/partner_exons.py``),
against reading the NTRK loci, in the same run.

    python benchmarks/partner_exons.py [--sizes 10000000 100000000] [--data benchmarks/data] [--repeat 3]

For each library size, the BAM of ``deep_library.py --partners`` (the control genes and NTRK at
their shares of a real library, and the known partners as a tumour expresses them: CD74, LMNA,
TPM3, SQSTM1 ... up to 0.3 % of the library each), built once.  Times in this process, best of
``--repeat``:

* ``ntrk_loci``: ``evidence.extract`` over the three padded NTRK loci (what every call reads);
* ``partner_exons``: ``partner_exon_evidence`` (every exon but the last of each known partner);
* ``call``: the whole ``call_sample`` of an RNA sample with an exon-boundary table (both of the
  above, clustering and the rest).

Prints the reads each reads, seconds, and the ratios partner_exons / ntrk_loci and
partner_exons / call.  The boundary table is empty (the reads hold no fusion; the look-ups cost
little beside the reading).  Needs samtools (to build the BAM).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import sys
import time
from pathlib import Path

import pandas as pd
import pysam

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ntrkfusion.annotation import load_annotation  # noqa: E402
from ntrkfusion.calling.clips import BOUNDARY_COLUMNS, ExonBoundaryIndex  # noqa: E402
from ntrkfusion.calling.engine import CallSettings, call_sample  # noqa: E402
from ntrkfusion.calling.evidence import extract  # noqa: E402
from ntrkfusion.calling import partner_exons  # noqa: E402
from ntrkfusion.calling.partner_exons import known_5prime_partners, partner_exon_evidence  # noqa: E402
from ntrkfusion.genome import ContigNames  # noqa: E402
from ntrkfusion.loci import ntrk_regions  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(bam_path: Path, repeat: int) -> dict:
    ann = load_annotation("GRCh38")
    s = CallSettings()
    empty = pd.DataFrame([], columns=BOUNDARY_COLUMNS)
    with pysam.AlignmentFile(str(bam_path)) as bam:
        contigs = ContigNames(tuple(bam.references))
        regions = ntrk_regions(ann, contigs, s.padding)

        def loci():
            for region in regions:
                tx = ann.transcript(region.name)
                extract(bam, region, (int(tx["tx_start"]) + 1, int(tx["tx_end"])), s.min_clip, s.filters.min_mapq)

        def partners():
            partner_exon_evidence(bam, ann, contigs, ExonBoundaryIndex(empty), s.min_clip, s.snap)  # (evidence, genes)

        windows = [(contigs.to_bam(e["chrom"].iat[0]), a, b) for e in map(ann.exons, known_5prime_partners(ann))
                   for a, b in partner_exons.windows(e)]  # fmt: skip

        def floor():  # the same fetches, each read only counted
            for window in windows:
                for _ in bam.fetch(*window):
                    pass

        with_partners = replace(s, read_partner_exons=True)
        m = dict(reads_loci=sum(bam.count(r.contig, r.start, r.end) for r in regions),
                 reads_partners=sum(bam.count(*w) for w in windows), ntrk_loci=best(loci, repeat),
                 partner_exons=best(partners, repeat), floor=best(floor, repeat),
                 call=best(lambda: call_sample(bam, "deep", "rna", ann, settings=with_partners, boundaries=empty),
                           repeat))  # fmt: skip
    return m


def main(argv: list[str] | None = None) -> None:
    from deep_library import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks/data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("pairs\treads in NTRK loci\treads in partner exons\tntrk_loci s\tpartner_exons s\tcall s\t"
          "partner_exons/ntrk_loci\tpartner_exons/call\tpartner_exons/its fetches alone")  # fmt: skip
    for size in args.sizes:
        m = measure(build(size, 2_000_000, args.data, partners=True), args.repeat)
        cells = [f"{size:,}", f"{m['reads_loci']:,}", f"{m['reads_partners']:,}"]
        cells += [f"{m[k]:.2f}" for k in ("ntrk_loci", "partner_exons", "call")]
        cells += [f"{m['partner_exons'] / m[k]:.2f}" for k in ("ntrk_loci", "call", "floor")]
        print("\t".join(cells), flush=True)


if __name__ == "__main__":
    main()

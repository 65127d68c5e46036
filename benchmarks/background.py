#!/usr/bin/env python3
"""The background of exact joins: how often a clean library shows k molecules read across an exact
exon-boundary join of an NTRK gene and any partner (the measure behind the exact-join rule of
``calling.filters``: two such molecules of a known, in-frame partner are a call).

    python benchmarks/background.py [--seeds 3] [--jobs 2] [--out DIR] [--cache DIR]

Libraries: the simulator's clean RNA cases (whole transcriptome with STAR chimeric, STAR plain,
HISAT2 and BWA-MEM; the anchored-PCR panel; the noisy negative with its chimeras, neural-level
NTRK expression with poly(A) tails, the RT template-switching trap and the read-through decoy) over several seeds, each analysed by the
whole per-sample path with the reference set; and the real NTRK-negative BAMs of
``../shared/data/testdata/external`` when present (read there, never copied).  Prints, per
library, the exact NTRK joins seen with >= 1 and >= 2 junction molecules (any partner), the most
junction molecules at one, and how many the exact-join rule called; then the total, with the
rule-of-three upper bound on the per-library rate when none is seen.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

EXTERNAL = ROOT.parent / "shared" / "data" / "testdata" / "external"
CASES = ["negative_rna", "negative_rna_noisy", "negative_rna_hisat2", "negative_rna_bwa", "amp_negative",
         "negative_rna_neural_polya", "template_switch_gapdh_ntrk1", "readthrough_decoy", "nochim_negative"]  # fmt: skip


def exact_joins(fusions: pd.DataFrame) -> dict:
    """What a library's fusion table shows at exact NTRK exon joins (any partner)."""
    from ntrkfusion.calling.filters import EXACT_JOIN_RULE
    from ntrkfusion.vocabulary import NTRK_GENES, CandidateClass

    exact = fusions[(fusions["breakpoint_type"] == "exon_boundary") & fusions["gene3"].isin(NTRK_GENES)]
    called = exact[(exact["support_rule"] == EXACT_JOIN_RULE.name) & (exact["classification"] == CandidateClass.QUALIFYING)]
    return dict(joins_1=int((exact["split_reads"] >= 1).sum()), joins_2=int((exact["split_reads"] >= 2).sum()),
                most=int(exact["split_reads"].max()) if len(exact) else 0, called=len(called),
                partners=",".join(sorted(set(exact["fusion"]))))  # fmt: skip


def simulated(name: str, seed: int, out: Path, cache: Path) -> dict:
    from dilution import reference

    from ntrkfusion.records import read_fusions
    from ntrkfusion.samplesheet import Sample
    from ntrkfusion.simulate.cases import CATALOGUE
    from ntrkfusion.simulate.run import simulate
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    base = CATALOGUE[name] if name in CATALOGUE else dataclasses.replace(CATALOGUE["negative_rna"], star_mode="plain")
    case = dataclasses.replace(base, name=f"{name}_s{seed}", seed=base.seed * 100 + seed)
    sim = simulate(case, out / "bams", cache)
    row = Sample(case.name, sim.bam, case.assay, case.tumour_content, case.dv200, sim.panel_bed,
                 umi=case.umi if case.umi != "none" else None)  # fmt: skip
    files = SampleFiles(out / "results" / case.name)
    result = analyse(row, {"reference": str(reference(cache))}, files)
    return dict(library=case.name, source="simulated", result=result.result) | exact_joins(read_fusions(files.fusions))


def external(out: Path) -> list[dict]:
    """The real BAMs whose truth has no NTRK fusion, through the per-sample path as the sheet says."""
    from ntrkfusion.records import read_fusions
    from ntrkfusion.samplesheet import read_samples
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    if not (EXTERNAL / "truth.tsv").is_file():
        print(f"(no real BAMs: {EXTERNAL} is absent)")
        return []
    truth = pd.read_csv(EXTERNAL / "truth.tsv", sep="\t", dtype=str, keep_default_na=False)
    negatives = set(truth.loc[truth["gene3"] == ".", "sample"])
    sheet = pd.read_csv(EXTERNAL / "samples.tsv", sep="\t", dtype=str, keep_default_na=False)
    sheet["bam"] = [str(EXTERNAL / b) for b in sheet["bam"]]
    path = out / "external_samples.tsv"
    sheet.to_csv(path, sep="\t", index=False)
    rows = []
    for sample in read_samples(path):
        if sample.sample not in negatives:
            continue
        files = SampleFiles(out / "results" / sample.sample)
        result = analyse(sample, {}, files)
        rows.append(dict(library=sample.sample, source="real", result=result.result)
                    | exact_joins(read_fusions(files.fusions)))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "benchmarks")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="background-"))
    cache = args.cache.resolve()
    start = time.perf_counter()
    jobs = [(name, seed) for name in CASES for seed in range(1, args.seeds + 1)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(simulated, *zip(*jobs), [out] * len(jobs), [cache] * len(jobs)))
    rows += external(out)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    n, with2, called = len(table), int((table["joins_2"] > 0).sum()), int(table["called"].sum())
    print(f"\n{n} clean libraries: {with2} with an exact NTRK exon join read across by >= 2 molecules "
          f"(any partner), {called} called by the exact-join rule"
          + (f"; per-library rate < {3 / n:.2f} (95 %, rule of three)" if with2 == 0 else ""))
    print(f"{time.perf_counter() - start:.0f} s ({args.jobs} jobs); files in {out}")
    return table


if __name__ == "__main__":
    main()

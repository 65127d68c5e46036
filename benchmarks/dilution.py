#!/usr/bin/env python3
"""Limit of detection by input kind: a dilution series made with ``ntrkfusion simulate`` and the
real aligners, called by the whole per-sample path (``stages.sample.analyse``).

    python benchmarks/dilution.py [--full] [--kinds K ...] [--jobs 2] [--out DIR] [--cache DIR] [--write-lod]

For each kind of input the README lists (STAR with and without chimeric output, HISAT2, BWA-MEM
RNA, an anchored-PCR RNA panel with UMIs, Oxford Nanopore cDNA long reads (minimap2), a tissue DNA
panel, plasma cfDNA with UMIs), fusions at
graded support: RNA 1-20 expected junction molecules at 50 % tumour content, DNA allele fraction
1-16 % at ~500x, cfDNA 0.25-2 % at ~2,000x unique molecules; several partners (a known one, a
novel one, a deletion) and seeds; and matched negatives.  Prints, per kind and level, how many
were detected (POSITIVE with the simulated fusion), the molecules found, the detectability the
sample predicted for itself, then the 95 % limit of detection per kind (the lowest level from which
every level up is detected in >= 95 % of its samples) and the false positives on the negatives.

``--full`` is the run behind the README's table; the default is a small one (one kind, three
levels, one replicate) that a test runs.  ``--write-lod`` writes the measured table to
``resources/curated/lod.tsv``, which the reports and the README state (never typed twice);
with ``--kinds`` only those kinds are run and only their rows are replaced.

Each sample is analysed as a lab would run it: the kinds whose aligner writes no split reads
(``qc.lod.NEEDS_REFERENCE``: STAR without chimeric output, HISAT2) with ``reference`` set (the
locus genome as a GRCh38 FASTA, written once into the cache), the others without.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ntrkfusion.qc.lod import LOD_PATH, NEEDS_REFERENCE, LodRow, read_lod, write_lod  # noqa: E402

# kind -> (the catalogue case its samples are made like, the partners tried: (gene5, exon5, gene3, exon3))
RNA_PARTNERS = [("ETV6", 5, "NTRK3", 15), ("GPI", 10, "NTRK3", 15), ("LMNA", 2, "NTRK1", 11)]
DNA_PARTNERS = [("TPM3", 8, "NTRK1", 10), ("LMNA", 2, "NTRK1", 11), ("GPI", 10, "NTRK1", 10)]
KINDS = {
    "rna_star_chimeric": ("etv6_ntrk3", RNA_PARTNERS),
    "rna_star_plain": ("etv6_ntrk3_nochim", RNA_PARTNERS),
    "rna_hisat2": ("etv6_ntrk3_hisat2", RNA_PARTNERS),
    "rna_bwa": ("etv6_ntrk3_bwa", RNA_PARTNERS),
    "rna_panel_umi": ("amp_etv6_ntrk3", RNA_PARTNERS[:2]),
    "rna_long_read": ("lr_ont_etv6_ntrk3", RNA_PARTNERS),  # Oxford Nanopore cDNA, minimap2 -ax splice
    "dna_panel": ("dna_tpm3_ntrk1_20", DNA_PARTNERS),
    "cfdna_umi": ("cfdna_tpm3_ntrk1", DNA_PARTNERS[:2]),
}
RNA_LEVELS = [1, 2, 3, 5, 8, 12, 20]  # expected junction molecules (at 50 % tumour content)
# without split reads only the reads clipped at the junction are found (STAR drops a pair whose
# mates align to two genes), about a third of the molecules: the series goes on up
NO_SPLIT_LEVELS = RNA_LEVELS + [30, 50]
DNA_LEVELS = [1, 2, 4, 8, 16]  # allele fraction, %
CFDNA_LEVELS = [0.25, 0.5, 1, 2]  # allele fraction, %
RNA_TUMOUR = 50.0
DNA_DEPTH, CFDNA_DEPTH = 500, 2000
# The benchmark's library is the smallest the method is validated on: the catalogue's clean RNA
# libraries (6,000 pairs) sit above it, a 3,000-pair library below.
RNA_BACKGROUND = 4500
# Long reads: the catalogue's long-read libraries hold 1,500 (neural) to 3,000 wild-type reads; the
# benchmark's holds 1,000, below them as the short-read one is below its catalogue's.
LONG_READ_BACKGROUND = 1000


@dataclasses.dataclass(frozen=True)
class Sample:
    kind: str
    level: float
    partner: tuple | None  # None: a matched negative
    seed: int

    @property
    def name(self) -> str:
        what = "neg" if self.partner is None else f"{self.partner[0]}_{self.partner[2]}_{self.level:g}".replace(".", "p")
        return f"{self.kind}_{what}_s{self.seed}"


def levels(kind: str) -> list[float]:
    if kind in NEEDS_REFERENCE:
        return NO_SPLIT_LEVELS
    return CFDNA_LEVELS if kind.startswith("cfdna") else DNA_LEVELS if kind.startswith("dna") else RNA_LEVELS


def case_for(sample: Sample):
    """The simulator case of one benchmark sample."""
    from ntrkfusion.simulate.cases import CATALOGUE

    base = CATALOGUE[KINDS[sample.kind][0]]
    fusion = dict(gene5=None, exon5=None, gene3=None, exon3=None) if sample.partner is None else dict(
        zip(("gene5", "exon5", "gene3", "exon3"), sample.partner))  # fmt: skip
    changes = dict(name=sample.name, seed=sample.seed, **fusion, expected_qc_flags=[])
    if base.assay == "rna":
        # fusion_expression: junction molecules at 100 % tumour content
        changes |= dict(tumour_content=RNA_TUMOUR, fusion_expression=max(1, round(sample.level * 100 / RNA_TUMOUR)),
                        dv200=None)  # fmt: skip
        if base.library_name in ("total", "long_read"):
            changes["background_pairs"] = RNA_BACKGROUND if base.library_name == "total" else LONG_READ_BACKGROUND
    else:
        changes |= dict(tumour_content=2 * sample.level,
                        depth=CFDNA_DEPTH if base.assay == "cfdna" else DNA_DEPTH)  # fmt: skip
    return dataclasses.replace(base, **changes)


def run_one(sample: Sample, out: Path, cache: Path) -> dict:
    """Simulate, analyse, and say what was found."""
    from ntrkfusion.samplesheet import Sample as SheetRow
    from ntrkfusion.simulate.run import simulate
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    case = case_for(sample)
    sim = simulate(case, out / "bams", cache)
    row = SheetRow(case.name, sim.bam, case.assay, case.tumour_content, case.dv200, sim.panel_bed,
                   umi=case.umi if case.umi != "none" else None)  # fmt: skip
    config = {"reference": str(reference(cache))} if sample.kind in NEEDS_REFERENCE else {}
    result = analyse(row, config, SampleFiles(out / "results" / case.name))
    truth = sim.truth.iloc[0]
    wanted = None if sample.partner is None else f"{sample.partner[0]}::{sample.partner[2]}"
    by_gene = result.metrics.get("detectability") or {}
    # a positive: the detectability of its NTRK gene; a negative: the lowest, what it could have missed
    values = [by_gene.get(sample.partner[2])] if sample.partner else list(by_gene.values())
    detectability = min((v for v in values if v is not None), default=None)
    return dict(kind=sample.kind, level=sample.level, partner=wanted, seed=sample.seed, result=result.result,
                detected=result.result == "POSITIVE" and result.best_fusion == wanted,
                molecules=_molecules(SampleFiles(out / "results" / case.name).fusions, wanted),
                simulated=int(truth.fusion_fragments) if wanted and not pd.isna(truth.fusion_fragments) else 0,
                split_simulated=int(truth.split_fragments) if wanted and not pd.isna(truth.split_fragments) else 0,
                detectability=detectability, needed=needed(case.assay, sample.partner),
                junction_yield=result.metrics.get("junction_yield"))  # fmt: skip


def reference(cache: Path) -> Path:
    """The locus genome of every benchmark sample (all partners are genome genes) as a GRCh38
    FASTA, as the tests pass it; written once per cache."""
    from ntrkfusion.annotation import load_annotation
    from ntrkfusion.simulate.cases import GENOME_GENES
    from ntrkfusion.simulate.locus_genome import LocusGenome
    from ntrkfusion.simulate.reference import write_reference
    from ntrkfusion.io import locked

    genome = LocusGenome(load_annotation("GRCh38"), GENOME_GENES)
    path = cache / f"reference-{genome.key}" / "reference.fa.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path.parent / "reference.lock"):
        if not path.with_suffix(".gz.gzi").is_file():
            write_reference(genome, path)
    return path


def _molecules(fusions_parquet: Path, wanted: str | None) -> int:
    """The supporting molecules of the simulated fusion's candidate, whatever its class."""
    from ntrkfusion.records import read_fusions

    if wanted is None:
        return 0
    f = read_fusions(fusions_parquet)
    hits = f[f["fusion"] == wanted]
    return int(hits["supporting_fragments"].max()) if len(hits) else 0


def needed(assay: str, partner: tuple | None) -> int:
    """The support a call of this partner needs (calling.filters.support_rule): every benchmark
    fusion joins exon boundaries in frame with the kinase kept, so a known partner in RNA takes the
    exact-join rule and a novel one the default."""
    from ntrkfusion.calling.filters import FilterSettings, required_fragments
    from ntrkfusion.partners import is_known_partner

    known = partner is not None and is_known_partner(partner[0], partner[2])
    row = {"known_partner": known, "breakpoint_type": "exon_boundary" if assay == "rna" else "genomic",
           "in_frame": True, "kinase_domain_retained": True, "gene3": partner[2] if partner else "NTRK3"}  # fmt: skip
    return required_fragments(row, assay, FilterSettings())


def predicted(rows: list[dict]) -> dict[float, float]:
    """Detection the Poisson support model predicts at each level: molecules grow in proportion
    to the level (the slope measured over all levels), and a call needs ``needed`` of them."""
    from ntrkfusion.qc.detectability import poisson_at_least

    positives = [r for r in rows if r["partner"]]
    slope = sum(r["molecules"] for r in positives) / max(1e-9, sum(r["level"] for r in positives))
    out = {}
    for level in sorted({r["level"] for r in positives}):
        mine = [r for r in positives if r["level"] == level]
        out[level] = sum(poisson_at_least(r["needed"], slope * level) for r in mine) / len(mine)
    return out


def plan(full: bool, kinds: list[str] | None = None) -> list[Sample]:
    if not full and not kinds:
        kind, partners = "rna_star_chimeric", RNA_PARTNERS[:1]
        return [Sample(kind, level, partners[0], 101) for level in (1, 5, 20)] + [Sample(kind, 0, None, 201)]
    samples = []
    for kind, (_, partners) in KINDS.items():
        if kinds and kind not in kinds:
            continue
        replicates = 2 if kind.startswith(("dna", "cfdna")) else 3
        for level in levels(kind):
            for p, partner in enumerate(partners):
                samples += [Sample(kind, level, partner, 1000 + 10 * p + r) for r in range(replicates)]
        samples += [Sample(kind, 0, None, 2000 + r) for r in range(4)]
    return samples


def lod_rows(rows: list[dict]) -> list[LodRow]:
    """The 95 % limit of detection per kind, and its false positives."""
    out = []
    for kind in dict.fromkeys(r["kind"] for r in rows):
        mine = [r for r in rows if r["kind"] == kind]
        positives = [r for r in mine if r["partner"]]
        negatives = [r for r in mine if not r["partner"]]
        by_level = {lv: [r for r in positives if r["level"] == lv] for lv in sorted({r["level"] for r in positives})}
        rate = {lv: sum(r["detected"] for r in rs) / len(rs) for lv, rs in by_level.items()}
        ok = [lv for lv in by_level if all(rate[v] >= 0.95 for v in by_level if v >= lv)]
        lod = min(ok) if ok else None
        n = len(by_level[lod]) if lod is not None else 0
        unit = "junction molecules" if kind.startswith("rna") else "% allele fraction"
        at_lod = by_level.get(lod, [])
        yields = [r["junction_yield"] for r in mine if r["junction_yield"] is not None]
        rna = kind.startswith("rna")
        out.append(LodRow(kind, unit, lod, rate.get(lod), n, sum(r["result"] == "POSITIVE" for r in negatives),
                          len(negatives),
                          round(sum(r["molecules"] for r in at_lod) / len(at_lod), 2) if rna and at_lod else None,
                          round(statistics.median(yields), 2) if rna and yields else None,
                          RNA_TUMOUR if rna else None))  # fmt: skip
    return out


def report(rows: list[dict]) -> str:
    lines = ["kind                level  partner         n  detected  molecules  simulated  sample's detectability"]
    keys = sorted({(r["kind"], r["level"], r["partner"] or "") for r in rows}, key=lambda k: (list(KINDS).index(k[0]), k[2] == "", k[1], k[2]))
    for kind, level, partner in keys:
        rs = [r for r in rows if (r["kind"], r["level"], r["partner"] or "") == (kind, level, partner)]
        pred = [r["detectability"] for r in rs if r["detectability"] is not None]
        what = "negative" if not partner else f"{sum(r['detected'] for r in rs)}/{len(rs)}"
        lines.append(f"{kind:18s} {level:6g}  {partner or '-':14s} {len(rs):2d}  {what:8s}  "
                     f"{sum(r['molecules'] for r in rs) / len(rs):9.1f}  {sum(r['simulated'] for r in rs) / len(rs):9.1f}  "
                     f"{(sum(pred) / len(pred)) if pred else float('nan'):9.2f}")  # fmt: skip
    lines.append("")
    lines.append("kind                level  observed  predicted (Poisson, molecules in proportion to the level)")
    for kind in dict.fromkeys(r["kind"] for r in rows):
        mine = [r for r in rows if r["kind"] == kind]
        for level, p in predicted(mine).items():
            rs = [r for r in mine if r["partner"] and r["level"] == level]
            lines.append(f"{kind:18s} {level:6g}  {sum(r['detected'] for r in rs) / len(rs):8.0%}  {p:9.0%}")
    lines += ["", *by_simulated_split(rows), ""]
    lines.append("kind                LoD95  unit                 detected at LoD  false positives")
    for row in lod_rows(rows):
        lod = "-" if row.lod is None else f"{row.lod:g}"
        at = "-" if row.detection is None else f"{row.detection:.0%} of {row.replicates}"
        lines.append(f"{row.kind:18s} {lod:>6s}  {row.unit:20s} {at:16s} {row.false_positives}/{row.negatives}")
    return "\n".join(lines)


SPLIT_BINS = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 7), (8, 11), (12, None)]


def by_simulated_split(rows: list[dict]) -> list[str]:
    """RNA detection by the junction molecules each sample really holds (the truth's fragments
    with a read across the junction, ``split_fragments``), known partners apart: the expected
    level is a mean, a sample at "2" may hold 0 or 5 (Arriba's figures in issue 23 count real ones)."""
    from ntrkfusion.partners import is_known_partner

    lines = ["kind                junction molecules held  partner  detected"]
    for kind in dict.fromkeys(r["kind"] for r in rows if r["kind"].startswith("rna")):
        for known in (True, False):
            mine = [r for r in rows if r["kind"] == kind and r["partner"]
                    and is_known_partner(*r["partner"].split("::")) == known]  # fmt: skip
            for lo, hi in SPLIT_BINS:
                rs = [r for r in mine if r["split_simulated"] >= lo and (hi is None or r["split_simulated"] <= hi)]
                if rs:
                    held = f"{lo}" if lo == hi else f"{lo}+" if hi is None else f"{lo}-{hi}"
                    lines.append(f"{kind:18s}  {held:>23s}  {'known' if known else 'novel':7s}  "
                                 f"{sum(r['detected'] for r in rs)}/{len(rs)}")  # fmt: skip
    return lines


def write_readme_table(readme: Path = ROOT / "README.md") -> None:
    """Put the table of ``lod.tsv`` between the README's ``<!-- lod -->`` markers."""
    import re

    from ntrkfusion.qc.lod import markdown_table

    text = readme.read_text()
    new = re.sub(r"<!-- lod -->\n(?:.*?\n)?<!-- /lod -->", lambda _: f"<!-- lod -->\n{markdown_table()}\n<!-- /lod -->",
                 text, flags=re.S)  # fmt: skip (an empty block too)
    readme.write_text(new)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="every kind, level, partner and replicate")
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), help="only these kinds (their rows of the table)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="folder for the BAMs and results (default: temporary)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "benchmarks", help="aligner indexes")
    parser.add_argument("--write-lod", action="store_true", help=f"write the measured table to {LOD_PATH}")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="dilution-"))
    samples = plan(args.full, args.kinds)
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(run_one, samples, [out] * len(samples), [args.cache.resolve()] * len(samples)))
    print(report(rows))
    print(f"\n{len(samples)} samples in {time.perf_counter() - start:.0f} s ({args.jobs} jobs); files in {out}")
    if args.write_lod:
        measured = {row.kind: row for row in lod_rows(rows)}
        kept = read_lod() if args.kinds else {}
        write_lod([measured.get(k) or kept[k] for k in KINDS if k in measured or k in kept],
                  note="" if not args.kinds else f" (re-measured with --kinds: {', '.join(args.kinds)})")
        write_readme_table()
        print(f"wrote {LOD_PATH} and the README's table")
    return rows


if __name__ == "__main__":
    main()

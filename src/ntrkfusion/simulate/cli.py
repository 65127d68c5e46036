"""``ntrkfusion simulate``: named cases or YAML specs -> BAMs, truth TSV and a sample sheet."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError

# The bundled example (resources/example): positives and negatives, RNA and DNA, <= 5 MB.
EXAMPLE_CASES = ["etv6_ntrk3", "lmna_ntrk1_nochim", "negative_rna", "degraded_negative", "dna_tpm3_ntrk1_20"]


def add_parser(sub) -> None:
    p = sub.add_parser("simulate", help="synthetic truth BAMs made with STAR, HISAT2, BWA-MEM or minimap2")
    p.add_argument("cases", nargs="*", help="named cases or YAML case specs")
    p.add_argument("--out", type=Path, help="folder for the BAMs, truth.tsv and samples.tsv")
    p.add_argument("--example", action="store_true", help=f"the bundled example set: {', '.join(EXAMPLE_CASES)}")
    p.add_argument("--list", action="store_true", help="list the named cases")
    p.add_argument("--write-reference", action="store_true",
                   help="also write reference.fa.gz, the GRCh38-coordinate genome the reads were aligned to")  # fmt: skip
    p.add_argument("--cache", type=Path, default=None, help="aligner indexes (default ~/.cache/ntrkfusion)")
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd  # here, not at the top: building the command line must stay quick

    from .align import require
    from .cases import CATALOGUE, get_case
    from .run import simulate

    if args.list:
        for name, case in CATALOGUE.items():
            print(f"{name}\t{case.assay}\t{case.expected_result}\t{case.description}")
        return 0
    names = EXAMPLE_CASES if args.example else args.cases
    if not names or args.out is None:
        raise UserError("simulate: give case names (or --example) and --out DIR; --list shows the cases")
    cases = [get_case(n) for n in names]
    for tool in {{"star": "STAR", "hisat2": "hisat2-build", "bwa": "bwa", "minimap2": "minimap2"}[c.aligner_name] for c in cases}:
        require(tool)
    results = [simulate(case, args.out, args.cache) for case in cases]
    truth = pd.concat([r.truth for r in results], ignore_index=True)
    truth.to_csv(args.out / "truth.tsv", sep="\t", index=False, lineterminator="\n")
    sheet = pd.DataFrame(
        [dict(sample=c.name, bam=r.bam.name, assay=c.assay, tumour_content=c.tumour_content,
              dv200=c.dv200, panel_bed=r.panel_bed.name if r.panel_bed else None,
              umi=c.umi if c.umi != "none" else None)
         for c, r in zip(cases, results)]  # fmt: skip
    )
    if sheet["umi"].isna().all():
        sheet = sheet.drop(columns="umi")
    sheet.to_csv(args.out / "samples.tsv", sep="\t", index=False, lineterminator="\n")
    if args.write_reference:
        from ..annotation import load_annotation
        from .cases import GENOME_GENES
        from .locus_genome import LocusGenome
        from .reference import write_reference

        write_reference(LocusGenome(load_annotation("GRCh38"), GENOME_GENES), args.out / "reference.fa.gz")
    for r in results:
        print(f"{r.bam}")
    return 0

"""The ``ntrkfusion`` command line.  User mistakes print one line each and exit 1."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import UserError
from .paths import RESOURCES


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except UserError as err:
        for problem in err.problems:
            print(f"ntrkfusion: error: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ntrkfusion", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"ntrkfusion {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    check = sub.add_parser("check-samples", help="validate a sample sheet and its BAMs; print the builds")
    check.add_argument("samples", type=Path)
    check.add_argument("--reference", help="genome FASTA (needed for CRAM)")
    check.add_argument("--genome-build", default="auto", help="auto (default), GRCh38, GRCh37 or a custom name")
    check.set_defaults(func=_check_samples)

    build = sub.add_parser("build-annotation", help="build the annotation from a GENCODE/Ensembl GTF")
    build.add_argument("--gtf", required=True, type=Path)
    build.add_argument("--build", required=True, help="name of the assembly, e.g. GRCh38")
    build.add_argument("--out", required=True, type=Path, help="output folder")
    build.set_defaults(func=_build_annotation)

    call = sub.add_parser("call", help="call NTRK fusions in one BAM, without Snakemake")
    call.add_argument("bam", type=Path)
    call.add_argument("--assay", choices=["rna", "dna"], required=True)
    call.add_argument("--sample", help="sample name (default: the BAM's file name)")
    call.add_argument("--reference", help="genome FASTA: CRAM input; names the partner of soft-clipped RNA reads")
    call.add_argument("--genome-build", default="auto")
    call.add_argument("--out", type=Path, help="folder for evidence.parquet, fusions.parquet, fusions.tsv")
    call.set_defaults(func=_call)

    pon = sub.add_parser("build-pon", help="a panel of normals from the laboratory's known-negative BAMs")
    pon.add_argument("samples", type=Path, help="sample sheet of known-negative samples (the usual columns)")
    pon.add_argument("--out", required=True, type=Path, help="the panel of normals to write (TSV)")
    pon.add_argument("--config", type=Path, help="workflow config whose calling settings to use (default: defaults)")
    pon.add_argument("--min-samples", type=int, default=2,
                     help="keep what is seen in at least this many normals (default 2: recurrent)")  # fmt: skip
    pon.add_argument("--reference", help="genome FASTA (needed for CRAM)")
    pon.add_argument("--genome-build", default="auto", help="auto (default), GRCh38 or GRCh37")
    pon.set_defaults(func=_build_pon)

    from .simulate.cli import add_parser as add_simulate

    add_simulate(sub)

    locate = sub.add_parser("locate", help="gene, transcript and exon/intron at a position")
    locate.add_argument("position", help="chrom:pos, 1-based (chr prefix optional)")
    locate.add_argument("--build", default="GRCh38", help="GRCh38, GRCh37 or an annotation folder")
    locate.set_defaults(func=_locate)
    return parser


def _check_samples(args) -> int:
    from .bam_input import inspect_samples
    from .samplesheet import read_samples

    samples = read_samples(args.samples)
    custom = args.genome_build not in ("auto", "GRCh38", "GRCh37")
    try:
        infos = inspect_samples(samples, reference=args.reference, genome_build=args.genome_build,
                                custom_annotation=custom)  # fmt: skip
    except UserError as err:
        for problem in err.problems:
            print(f"ntrkfusion: error: {problem}", file=sys.stderr)
        n = len(err.problems)
        print(f"ntrkfusion: {n} problem{'s' if n > 1 else ''} in {len(samples)} samples; fix them and check again",
              file=sys.stderr)  # fmt: skip
        return 1
    for info in infos:
        prefix = "chr" if info.chr_prefix else "no chr"
        print(f"{info.sample}\t{info.assay}\t{info.build}\t{prefix}\t{info.build_evidence}")
        for warning in info.warnings:
            print(f"ntrkfusion: warning: sample {info.sample}: {warning}", file=sys.stderr)
    print(f"{len(infos)} sample{'s' if len(infos) != 1 else ''} ready")
    return 0


def _call(args) -> int:
    from .bam_input import inspect_sample
    from .calling.stage import call_to_files, summary
    from .samplesheet import Sample, check_sample_id

    name = args.sample or args.bam.name.split(".")[0]
    check_sample_id(name)  # it names the output files: never a path
    if args.reference is not None and not Path(args.reference).is_file():
        raise UserError(f"--reference {args.reference}: file not found")
    out = args.out or Path(".")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: is a file; give a folder")
    info = inspect_sample(Sample(name, args.bam.resolve(), args.assay), reference=args.reference,
                          genome_build=args.genome_build)  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    files = dict(evidence=out / f"{name}.evidence.parquet", parquet=out / f"{name}.fusions.parquet",
                 tsv=out / f"{name}.fusions.tsv")  # fmt: skip
    result = call_to_files(info.bam, name, args.assay, info.build, {}, files, reference=args.reference)
    print(summary(result, name, _ntrk_reads(info, args.reference)))
    return 0


def _ntrk_reads(info, reference) -> int:
    import pysam

    from .bam_input import ntrk_loci
    from .loci import count_reads

    with pysam.AlignmentFile(info.bam, reference_filename=reference) as bam:
        return sum(count_reads(bam, r, 0)[0] for r in ntrk_loci(info.build, tuple(bam.references)))


def _build_pon(args) -> int:
    from .bam_input import inspect_samples
    from .calling.stage import build_panel_of_normals
    from .config import load_config
    from .samplesheet import read_samples

    if args.min_samples < 1:
        raise UserError("build-pon: --min-samples must be at least 1")
    config = load_config(args.config)
    samples = read_samples(args.samples)
    infos = inspect_samples(samples, reference=args.reference, genome_build=args.genome_build)
    normals = [(i.sample, i.bam, i.assay, i.build) for i in infos]
    table = build_panel_of_normals(normals, config, args.out, args.min_samples, reference=args.reference)
    print(f"{args.out}: {len(table)} sites seen in >= {args.min_samples} of {len(normals)} normals")
    return 0


def _build_annotation(args) -> int:
    from .annotation.gtf import build_from_gtf

    counts = build_from_gtf(
        args.gtf, args.out, args.build, RESOURCES / "curated/ntrk_kinase_domains.tsv", RESOURCES / "GRCh38"
    )
    print(json.dumps(counts, sort_keys=True))
    return 0


def _locate(args) -> int:
    from .annotation import load_annotation

    chrom, _, pos = args.position.replace(",", "").partition(":")
    if not pos.isdigit():
        raise UserError(f"position {args.position!r}: expected chrom:pos, e.g. chr1:156874571")
    ann = load_annotation(args.build)
    loci = ann.locate(chrom, int(pos))
    if not loci:
        print(f"{args.position}\tintergenic")
    for locus in loci:
        print(f"{args.position}\t{locus.gene}\t{locus.transcript_id}\t{locus.refseq_id}\t"
              f"{locus.region} {locus.number}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

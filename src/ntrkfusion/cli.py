"""The ntrkfusion command line.  User mistakes print one line each and exit 1."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .vocabulary import ASSAYS
from .vocabulary import ASSAY_HELP
from .vocabulary import UMI_HELP, UMI_SOURCES
from .errors import UserError

DESCRIPTION = (
    "Find NTRK1/NTRK2/NTRK3 gene fusions in tumour RNA-seq and DNA-panel BAM/CRAM files. "
    "For a cohort, run the Snakemake workflow (snakemake --cores N); these commands check inputs, "
    "run one sample, and build the lab's own tables."
)
BUILD_HELP = "genome build: auto (default; read from the header's contig lengths), GRCh38, GRCh37, or a custom name"
REFERENCE_HELP = "genome FASTA (indexed): needed for CRAM; names the partner of soft-clipped RNA reads"
CONFIG_HELP = "workflow config file (config/config.yaml) whose settings to use; default: the defaults"


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
    parser = argparse.ArgumentParser(prog="ntrkfusion", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"ntrkfusion {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    check = sub.add_parser("check-samples", help="check a sample sheet and its BAMs as the workflow does; run nothing")
    check.add_argument("samples", type=Path, nargs="?",
                       help="the sample sheet (TSV: sample, bam, assay, ...); default: the config's `samples`")  # fmt: skip
    check.add_argument("--config", type=Path,
                       help="the workflow config to check first, with the files it names; its reference, genome_build "
                            "and strict_identity are used (the options below override them)")  # fmt: skip
    check.add_argument("--reference", help=REFERENCE_HELP)
    check.add_argument("--genome-build", help=BUILD_HELP)
    check.set_defaults(func=_check_samples)

    run = sub.add_parser("run", help="one sample from BAM to result (calls, QC, result, report), without Snakemake")
    run.add_argument("bam", type=Path, help="coordinate-sorted, indexed BAM or CRAM")
    run.add_argument("--assay", choices=ASSAYS, required=True, help=ASSAY_HELP)
    run.add_argument("--sample", help="sample ID (default: the file name before its first dot)")
    run.add_argument("--tumour-content", type=float, help="percent tumour nuclei; not given is reported, never 100")
    run.add_argument("--dv200", type=float, help="RNA: percent of fragments > 200 nt")
    run.add_argument("--panel-bed", type=Path, help="DNA: the panel's capture targets (BED)")
    run.add_argument("--umi", choices=UMI_SOURCES, help=UMI_HELP)
    run.add_argument("--config", type=Path, help=CONFIG_HELP)
    run.add_argument("--out", type=Path, default=Path("results"),
                     help="folder; the sample's files go to OUT/SAMPLE/ as in the workflow (default: results)")  # fmt: skip
    run.set_defaults(func=_run)

    call = sub.add_parser("call", help="call NTRK fusions in one BAM (no QC, no result: see run)")
    call.add_argument("bam", type=Path, help="coordinate-sorted, indexed BAM or CRAM")
    call.add_argument("--assay", choices=ASSAYS, required=True, help=ASSAY_HELP)
    call.add_argument("--sample", help="sample ID (default: the file name before its first dot)")
    call.add_argument("--umi", choices=UMI_SOURCES, help=UMI_HELP)
    call.add_argument("--reference", help=REFERENCE_HELP)
    call.add_argument("--genome-build", default="auto", help=BUILD_HELP)
    call.add_argument("--config", type=Path, help=CONFIG_HELP)
    call.add_argument("--out", type=Path, default=Path("."),
                      help="folder; the sample's files (bam_info.json, evidence.parquet, fusions.parquet, fusions.tsv, "
                           "fusions.vcf.gz) go to OUT/SAMPLE/ as in the workflow (default: the current folder)")  # fmt: skip
    call.set_defaults(func=_call)

    pon = sub.add_parser("build-pon", help="a panel of normals from the laboratory's known-negative BAMs")
    pon.add_argument("samples", type=Path, help="sample sheet of known-negative samples (the usual columns)")
    pon.add_argument("--out", required=True, type=Path, help="the panel of normals to write (TSV)")
    pon.add_argument("--config", type=Path, help=CONFIG_HELP)
    pon.add_argument("--min-samples", type=int, default=2,
                     help="keep what is seen in at least this many normals (default 2: recurrent)")  # fmt: skip
    pon.add_argument("--force", action="store_true",
                     help="keep a normal that carries a qualifying fusion (refused by default, naming it)")  # fmt: skip
    pon.add_argument("--reference", help=REFERENCE_HELP)
    pon.add_argument("--genome-build", default="auto", help=BUILD_HELP)
    pon.set_defaults(func=_build_pon)

    build = sub.add_parser("build-annotation", help="build the annotation tables from a GENCODE/Ensembl GTF")
    build.add_argument("--gtf", required=True, type=Path, help="the GTF (or .gtf.gz) of the assembly")
    build.add_argument("--genome-build", "--build", dest="genome_build", required=True,
                       help="the name of the assembly, e.g. GRCh38-v46")  # fmt: skip
    build.add_argument("--out", required=True, type=Path, help="folder for the tables")
    build.set_defaults(func=_build_annotation)

    from .simulate.cli import add_parser as add_simulate

    add_simulate(sub)

    locate = sub.add_parser("locate", help="gene, transcript and exon/intron at a position")
    locate.add_argument("position", help="chrom:pos, 1-based (chr prefix optional)")
    locate.add_argument("--genome-build", "--build", dest="genome_build", default="GRCh38",
                        help="GRCh38 (default), GRCh37, or an annotation folder")  # fmt: skip
    locate.set_defaults(func=_locate)

    snakefile = sub.add_parser("snakefile", help="print the path of the installed workflow's Snakefile")
    snakefile.set_defaults(func=_snakefile)
    return parser


def _check_samples(args) -> int:
    from .bam_input import inspect_samples
    from .config import load_config
    from .samplesheet import read_samples
    from .stages.inspect import config_file_problems

    config = load_config(args.config)  # check 1: every key, then the files it names
    if config_file_problems(config):
        raise UserError(config_file_problems(config))
    sheet = args.samples or (Path(config["samples"]) if args.config else None)
    if sheet is None:
        raise UserError("check-samples: give the sample sheet, or --config naming it (`samples`)")
    build = args.genome_build or config["genome_build"]
    samples = read_samples(sheet)
    try:
        infos = inspect_samples(samples, reference=args.reference or config["reference"] or None, genome_build=build,
                                custom_annotation=bool(config["annotation_gtf"]) or build not in ("auto", "GRCh38", "GRCh37"),
                                strict_identity=config["strict_identity"], long_reads=config["long_reads"])  # fmt: skip
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


def _sample_name(args) -> str:
    from .samplesheet import check_sample_id

    name = args.sample or args.bam.name.split(".")[0]
    check_sample_id(name)  # it names the output files: never a path
    return name


def _out_folder(out: Path, flag: str = "--out") -> Path:
    if out.exists() and not out.is_dir():
        raise UserError(f"{flag} {out}: is a file; give a folder")
    return out


def _run(args) -> int:
    from .config import load_config
    from .samplesheet import sample_from_fields
    from .stages.layout import SampleFiles
    from .stages.sample import analyse, custom_annotation

    config = load_config(args.config)
    fields = dict(sample=_sample_name(args), bam=str(args.bam), assay=args.assay, tumour_content=args.tumour_content,
                  dv200=args.dv200, panel_bed=str(args.panel_bed) if args.panel_bed else None, umi=args.umi)  # fmt: skip
    sample = sample_from_fields(fields, Path.cwd())
    out = _out_folder(args.out)
    files = SampleFiles.of(sample.sample, out)
    result = analyse(sample, config, files, annotation=custom_annotation(config, out, sample))
    print(f"{sample.sample}: {result.result}")
    for reason in result.reasons:
        print(f"  {reason}")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    print(f"files: {files.folder}/ (qc.json, fusions.tsv, fusions.vcf.gz, report.html)")
    return 0


def _call(args) -> int:
    from .config import load_config
    from .samplesheet import Sample
    from .stages.call import summary
    from .stages.layout import SampleFiles
    from .stages.sample import call_only

    name = _sample_name(args)
    config = load_config(args.config)
    config = {**config, "genome_build": args.genome_build, "reference": args.reference or config.get("reference")}
    if config["reference"] and not Path(config["reference"]).is_file():
        raise UserError(f"--reference {config['reference']}: file not found")
    files = SampleFiles.of(name, _out_folder(args.out))
    called = call_only(Sample(name, args.bam.resolve(), args.assay, umi=args.umi), config, files)
    print(summary(called))
    return 0


def _build_pon(args) -> int:
    from .config import load_config
    from .samplesheet import read_samples
    from .stages.inspect import check_samples
    from .stages.pon import build_panel_of_normals

    if args.min_samples < 1:
        raise UserError("build-pon: --min-samples must be at least 1")
    config = load_config(args.config)
    config = {**config, "genome_build": args.genome_build, "reference": args.reference or config.get("reference")}
    samples = read_samples(args.samples)
    infos = check_samples(samples, config)
    table = build_panel_of_normals(list(zip(samples, infos)), config, args.out, args.min_samples, force=args.force,
                                   warn=lambda line: print(line, file=sys.stderr))  # fmt: skip
    print(f"{args.out}: {len(table)} sites seen in >= {args.min_samples} of {len(samples)} normals")
    return 0


def _build_annotation(args) -> int:
    from .annotation.gtf import build_from_gtf
    from .paths import RESOURCES

    counts = build_from_gtf(args.gtf, args.out, args.genome_build, RESOURCES / "curated/ntrk_kinase_domains.tsv",
                            RESOURCES / "GRCh38")  # fmt: skip
    print(json.dumps(counts, sort_keys=True))
    return 0


def _locate(args) -> int:
    from .annotation import load_annotation

    chrom, _, pos = args.position.replace(",", "").partition(":")
    if not pos.isdigit():
        raise UserError(f"position {args.position!r}: expected chrom:pos, e.g. chr1:156874571")
    ann = load_annotation(args.genome_build)
    loci = ann.locate(chrom, int(pos))
    if not loci:
        print(f"{args.position}\tintergenic")
    for locus in loci:
        print(f"{args.position}\t{locus.gene}\t{locus.transcript_id}\t{locus.refseq_id}\t"
              f"{locus.region} {locus.number}")  # fmt: skip
    return 0


def _snakefile(args) -> int:
    from .paths import SNAKEFILE

    print(SNAKEFILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())

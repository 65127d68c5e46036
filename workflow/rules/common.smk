# Helpers shared by the rules: configuration, the sample sheet, and per-sample look-ups.
# Everything a user can get wrong is checked here, before any job runs; each problem is
# printed as one line naming the sample (or sheet line) and the job graph is not built.

import sys
from pathlib import Path

from snakemake.utils import validate

# The checks here and the jobs (scripts/_setup.py) run the same code: the workflow's own src/
# in a checkout, the installed package in an installed copy of the workflow.
if (Path(workflow.basedir) / "src").is_dir():
    sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from ntrkfusion.annotation.custom import check as check_annotation_gtf
from ntrkfusion.config import config_problems
from ntrkfusion.errors import UserError
from ntrkfusion.paths import bundled_annotation_dir
from ntrkfusion.provenance import config_digest, file_fingerprint, settings_digest
from ntrkfusion.runs import prepare_rerun
from ntrkfusion.samplesheet import read_samples, sample_id_rule
from ntrkfusion.stages.cohort import summary
from ntrkfusion.stages.inspect import check_samples, config_file_problems
from ntrkfusion.stages.layout import SampleFiles, pattern, remove_results
from ntrkfusion.vocabulary import RNA


def _stop(problems):
    """End the run before any job, printing one line per problem."""
    sys.exit("\n".join(f"ntrkfusion: error: {p}" for p in problems))


if config_problems(config):
    _stop(config_problems(config))
validate(config, schema="../schemas/config.schema.yaml")  # fills in the defaults
if config_file_problems(config):
    _stop(config_file_problems(config))

CUSTOM_ANNOTATION = bool(config["annotation_gtf"])


def _load_checked_samples():
    """The sample sheet, validated, with every BAM's header checked and its build named."""
    try:
        samples = read_samples(config["samples"])
        infos = check_samples(
            samples, config
        )  # each sample's job reads its loci through the index
    except UserError as err:
        # a refused sample's earlier result (and the cohort tables holding it) must not stand
        removed = remove_results(err.samples)
        note = [
            f"the earlier results of {', '.join(err.samples)} were removed ({', '.join(removed)}): "
            "they were computed from inputs that are now refused"
        ]
        _stop(err.problems + (note if removed else []))
    return {s.sample: s for s in samples}, {i.sample: i for i in infos}


SAMPLES, BAM_INFO = _load_checked_samples()


def _check_custom_annotation():
    """A lab's GTF must annotate the NTRK genes and be of the BAMs' assembly (one line each)."""
    bams = {i.sample: (i.bam, config["reference"] or None) for i in BAM_INFO.values()}
    try:
        check_annotation_gtf(
            config["annotation_gtf"], bams, Path("results/annotation/gtf_summary.json")
        )
    except UserError as err:
        _stop(err.problems)


if CUSTOM_ANNOTATION:
    _check_custom_annotation()

# After an interruption (kill -9, a lost node) the same command goes on: stale locks of a dead
# run are removed and the jobs it left incomplete are run again (ntrkfusion/runs.py).
prepare_rerun(workflow)


# The sample-sheet pattern, not the list of names: a 1000-name alternation slows planning.
wildcard_constraints:
    sample=sample_id_rule()[0],


# A custom annotation (annotation_gtf) is one build per run, made by a job into this folder.
CUSTOM_ANNOTATION_DIR = (
    f"results/annotation/{config['genome_build']}" if CUSTOM_ANNOTATION else ""
)


def annotation_dir(build):
    """Folder of the annotation tables for a build: bundled, or built from annotation_gtf."""
    return CUSTOM_ANNOTATION_DIR or str(bundled_annotation_dir(build))


def sample_annotation(wildcards):
    return annotation_dir(BAM_INFO[wildcards.sample].build)


# Input functions are called once per job while Snakemake plans: one function per rule (with
# unpack) rather than one per file keeps planning a 1000-sample cohort quick.
def sample_inputs(wildcards):
    """Everything a sample's job reads."""
    info, sample = BAM_INFO[wildcards.sample], SAMPLES[wildcards.sample]
    inputs = dict(
        bam=info.bam,
        index=info.index,
        annotation=f"{annotation_dir(info.build)}/transcripts.parquet",
    )
    if config["reference"] and sample.assay == RNA:
        inputs["boundaries"] = f"results/reference/{info.build}/exon_boundaries.parquet"
    if config["panel_of_normals"]:
        inputs["panel_of_normals"] = config["panel_of_normals"]
    if sample.panel_bed:
        inputs["panel_bed"] = str(sample.panel_bed)
    if config["housekeeping_genes"]:
        inputs["housekeeping_genes"] = config["housekeeping_genes"]
    return inputs


def sample_params(wildcards):
    """The sample's sheet row: a changed row re-runs the sample (Snakemake's params trigger)."""
    return SAMPLES[wildcards.sample].to_dict()


def checked_params(wildcards):
    """What the checks found about the sample's file, its fingerprint included: a replaced file
    (whatever its timestamps) re-runs the sample, and the job does not check it again.
    """
    return BAM_INFO[wildcards.sample].to_dict()


def sample_file(name):
    """A per-sample output pattern, results/{sample}/<file> (ntrkfusion.stages.layout)."""
    return pattern(name)


def per_sample(name, samples=None):
    """One per-sample file of every sample (or of ``samples``), sorted by sample."""
    return [str(getattr(SampleFiles.of(s), name)) for s in sorted(samples or SAMPLES)]


# The genome builds of this run's BAMs.
BUILDS = sorted({info.build for info in BAM_INFO.values()})


def samples_of_build(build):
    """The samples whose BAMs are of this genome build, sorted."""
    return sorted(s for s, info in BAM_INFO.items() if info.build == build)


def all_outputs():
    return [
        "results/inputs.tsv",
        "results/fusions.tsv",
        "results/fusions.parquet",
        "results/run_info.json",
        *expand("results/fusions.{build}.vcf.gz", build=BUILDS),
        "results/samples.tsv",
        "results/samples.parquet",
        "results/report.html",
        "results/multiqc/ntrkfusion_mqc.tsv",
        *per_sample("report"),
    ]


# What a sample's job reads from the config (and the files it names), as one value: an edited
# threshold re-runs the samples (Snakemake's params trigger).
SETTINGS = settings_digest(config, "sample")


def print_summary():
    """At the end of a run: each sample's result and where the reports are."""
    print(summary(), file=sys.stderr)

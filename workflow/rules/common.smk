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

from ntrkfusion.bam_input import inspect_samples
from ntrkfusion.config import config_problems, file_problems
from ntrkfusion.errors import UserError
from ntrkfusion.paths import bundled_annotation_dir
from ntrkfusion.provenance import inputs_fingerprint, settings_digest
from ntrkfusion.runs import prepare_rerun
from ntrkfusion.samplesheet import read_samples, sample_id_rule


def _stop(problems):
    """End the run before any job, printing one line per problem."""
    sys.exit("\n".join(f"ntrkfusion: error: {p}" for p in problems))


if config_problems(config):
    _stop(config_problems(config))
validate(config, schema="../schemas/config.schema.yaml")  # fills in the defaults
if file_problems(config):
    _stop(file_problems(config))

CUSTOM_ANNOTATION = bool(config["annotation_gtf"])


def _load_checked_samples():
    """The sample sheet, validated, with every BAM's header checked and its build named."""
    try:
        samples = read_samples(config["samples"])
        infos = inspect_samples(
            samples,
            reference=config["reference"] or None,
            genome_build=config["genome_build"],
            custom_annotation=CUSTOM_ANNOTATION,
            strict_identity=config["strict_identity"],
        )
    except UserError as err:
        _stop(err.problems)
    return {s.sample: s for s in samples}, {i.sample: i for i in infos}


SAMPLES, BAM_INFO = _load_checked_samples()

# After an interruption (kill -9, a lost node) the same command goes on: stale locks of a dead
# run are removed and the jobs it left incomplete are run again (ntrkfusion/runs.py).
prepare_rerun(workflow)


# The sample-sheet pattern, not the list of names: a 1000-name alternation slows planning.
wildcard_constraints:
    sample=sample_id_rule()[0],


def get_bam(wildcards):
    return BAM_INFO[wildcards.sample].bam


def get_bam_index(wildcards):
    return BAM_INFO[wildcards.sample].index


def sample_record(wildcards):
    return SAMPLES[wildcards.sample].to_dict()


def annotation_dir(build):
    """Folder of the annotation tables for a build: bundled, or built from annotation_gtf."""
    if CUSTOM_ANNOTATION:
        return f"results/annotation/{build}"
    return str(bundled_annotation_dir(build))


def get_annotation(wildcards):
    return annotation_dir(BAM_INFO[wildcards.sample].build)


def get_annotation_tables(wildcards):
    return f"{get_annotation(wildcards)}/transcripts.parquet"


def get_exon_boundaries(wildcards):
    """RNA with a reference: the exon-boundary table that names soft-clip partners."""
    if not config["reference"] or SAMPLES[wildcards.sample].assay != "rna":
        return []
    return (
        f"results/reference/{BAM_INFO[wildcards.sample].build}/exon_boundaries.parquet"
    )


def all_outputs():
    return [
        "results/inputs.tsv",
        "results/fusions.tsv",
        "results/fusions.parquet",
        "results/samples.tsv",
        "results/samples.parquet",
        "results/report.html",
        "results/multiqc/ntrkfusion_mqc.tsv",
        *expand("results/{sample}/report.html", sample=sorted(SAMPLES)),
    ]


def get_panel_bed(wildcards):
    bed = SAMPLES[wildcards.sample].panel_bed
    return str(bed) if bed else []


def input_fingerprint(wildcards):
    """Changes when the sample's alignment file or index changes, whatever the timestamps."""
    return inputs_fingerprint(BAM_INFO[wildcards.sample].fingerprint)


# What each stage reads from the config (and the files it names), as one value per stage: an
# edited threshold re-runs the stages that read it (Snakemake's params trigger).
SETTINGS = {
    stage: settings_digest(config, stage)
    for stage in ("inspect", "calling", "qc", "report")
}


def print_summary():
    """At the end of a run: each sample's result and where the reports are."""
    from ntrkfusion.report.summary import end_of_run

    print(end_of_run(), file=sys.stderr)

# ntrkfusion: NTRK1/2/3 fusion calling from RNA-seq and DNA-panel BAMs.
# Thin on purpose: configuration, validation (workflow/rules/common.smk), stages, targets.

import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.2")

# The workflow's own src/ in a checkout, the installed package in an installed copy.
if (Path(workflow.basedir) / "src").is_dir():
    sys.path.insert(0, str(Path(workflow.basedir) / "src"))
from ntrkfusion.config import config_file_error

# A YAML syntax error is one line naming the file, line and column, not Snakemake's dump.
if config_file_error("config/config.yaml"):
    sys.exit(config_file_error("config/config.yaml"))


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/annotation.smk"
include: "workflow/rules/sample.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/report.smk"


# Small cohort tables run where Snakemake runs, not as cluster jobs.
localrules:
    all,
    summarise_inputs,
    cohort_fusions,
    cohort_vcf,
    run_info,
    sample_results,
    cohort_report,
    multiqc_content,


onsuccess:
    print_summary()


rule all:
    default_target: True
    input:
        all_outputs(),

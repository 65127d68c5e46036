# ntrkfusion: NTRK1/2/3 fusion calling from RNA-seq and DNA-panel BAMs.
# Thin on purpose: configuration, validation (workflow/rules/common.smk), stages, targets.

from snakemake.utils import min_version

min_version("9.2")


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

"""Snakemake entry point: the cohort report and the MultiQC section (one script, two rules)."""

from _setup import job

from ntrkfusion.report.html import cohort_report
from ntrkfusion.report.multiqc import multiqc_table

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    if smk.rule == "cohort_report":
        cohort_report(smk.input.samples, smk.output.html, smk.input.run_info)
    else:
        multiqc_table(smk.input.samples, smk.output.tsv, smk.input.run_info)

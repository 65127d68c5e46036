"""Snakemake entry point: the HTML reports and the MultiQC section (one script, three rules)."""

from _setup import job

from ntrkfusion.qc.stage import settings_from_config
from ntrkfusion.report.html import cohort_report, sample_report
from ntrkfusion.report.multiqc import multiqc_table

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    if smk.rule == "sample_report":
        sample_report(smk.input.qc, smk.input.fusions, smk.params.annotation, smk.output.html,
                      settings_from_config(smk.config))  # fmt: skip
    elif smk.rule == "cohort_report":
        cohort_report(smk.input.samples, smk.output.html)
    else:
        multiqc_table(smk.input.samples, smk.output.tsv)

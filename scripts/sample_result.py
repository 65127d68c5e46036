"""Snakemake entry point: QC, the result and the report of one sample -> qc.json, supporting_reads.bam,
report.html."""

import json

from _setup import job

from ntrkfusion.qc.stage import conclude
from ntrkfusion.samplesheet import Sample

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    with open(smk.input.info) as fh:
        info = json.load(fh)
    files = dict(qc=smk.output.qc, report=smk.output.html, reads=smk.output.reads, fusions=smk.input.fusions,
                 evidence=smk.input.evidence)
    conclude(Sample.from_dict(smk.params.sample), info, smk.params.annotation, smk.config, files)

"""Snakemake entry point: QC metrics, flags and the result of one sample -> results/{sample}/qc.json."""

import json

from _setup import job

from ntrkfusion.qc.stage import sample_qc, write_sample_qc
from ntrkfusion.samplesheet import Sample

smk = snakemake  # noqa: F821 (injected by Snakemake)
with job(smk):
    with open(smk.input.info) as fh:
        info = json.load(fh)
    record = sample_qc(Sample.from_dict(smk.params.sample), info, smk.params.annotation, smk.input.fusions,
                       smk.config, reference=smk.params.reference or None, evidence_parquet=smk.input.evidence)  # fmt: skip
    write_sample_qc(record, smk.output.qc)

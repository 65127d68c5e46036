rule sample_result:
    """Measure the material, raise QC flags, decide POSITIVE, NEGATIVE or INDETERMINATE, keep the
    supporting reads, and draw the sample's report: result, fusions to scale, the reads at both
    breakpoints, QC against thresholds, limitations.
    """
    input:
        unpack(qc_inputs),
    output:
        qc="results/{sample}/qc.json",
        reads="results/{sample}/supporting_reads.bam",
        reads_index="results/{sample}/supporting_reads.bam.bai",
        html=report(
            "results/{sample}/report.html",
            caption="../report/sample.rst",
            category="Samples",
            labels={"sample": "{sample}"},
        ),
    log:
        "logs/sample_result/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    params:
        settings=SETTINGS["result"],
        sample=sample_params,
        annotation=sample_annotation,
    script:
        "../../scripts/sample_result.py"


rule sample_results:
    """One row per sample: result, reasons, QC flags, metrics and the best fusion."""
    input:
        qc=expand("results/{sample}/qc.json", sample=sorted(SAMPLES)),
    output:
        parquet="results/samples.parquet",
        tsv=report(
            "results/samples.tsv", caption="../report/tables.rst", category="Tables"
        ),
    log:
        "logs/sample_results.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/sample_results.py"

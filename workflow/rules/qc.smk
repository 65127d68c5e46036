rule sample_qc:
    """Measure the material, raise QC flags and decide POSITIVE, NEGATIVE or INDETERMINATE."""
    input:
        bam=get_bam,
        index=get_bam_index,
        info="results/{sample}/bam_info.json",
        fusions="results/{sample}/fusions.parquet",
        evidence="results/{sample}/evidence.parquet",
        panel_bed=get_panel_bed,
        housekeeping_genes=config["housekeeping_genes"] or [],
    output:
        qc="results/{sample}/qc.json",
    log:
        "logs/sample_qc/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1500 * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    params:
        settings=SETTINGS["qc"],
        inputs=input_fingerprint,
        sample=sample_record,
        annotation=get_annotation,
        reference=config["reference"],
    script:
        "../../scripts/sample_qc.py"


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

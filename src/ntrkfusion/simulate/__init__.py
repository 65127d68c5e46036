"""Synthetic truth BAMs: simulated reads aligned by STAR, HISAT2, BWA-MEM or minimap2, lifted to GRCh38.

locus_genome: the real GRCh38 spans of the case's genes, filled with seeded sequence.
molecules:    wild-type and fused transcripts (RNA), the rearranged chromosome (DNA).
reads:        fragments, read pairs, errors, duplicates -> FASTQ.
long_reads:   long-read RNA (ONT, HiFi): whole cDNA molecules, poly(A), platform errors -> FASTQ.
align:        STAR / HISAT2 / BWA-MEM / minimap2 on the locus genome.
lift:         locus BAM -> GRCh38 BAM (header, positions, mates, SA tags), sorted, indexed.
cases:        the named catalogue and YAML case specs.
run:          one case from spec to BAM + truth TSV.
"""

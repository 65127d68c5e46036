"""Quality of the material, and the per-sample result.

coverage:  per-base unique depth over exons and intervals (through the index).
rna:       RNA metrics: housekeeping expression, fragment length, duplicates, Picard-style
           bias and CV, TIN, NTRK expression and 3'/5' imbalance.
dna:       DNA metrics: exon and intron depth, insert size, duplicates, detectability.
flags:     thresholds -> QC flags with reasons.
result:    POSITIVE / NEGATIVE / INDETERMINATE with reasons.
"""

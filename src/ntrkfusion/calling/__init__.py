"""NTRK fusion calling, one engine for RNA and DNA.

evidence:  reads in the NTRK loci that tell of a junction (split, gap, discordant, clip).
junctions: sides of a junction, which gene is 5' and which 3'.
clips:     partner of a soft-clipped junction, from exon-boundary sequences of the reference.
cluster:   evidence -> candidate fusions with one breakpoint per side; fragment counts.
describe:  genes, exons, frame, kinase domain, known partner, VICC-style name.
filters:   the reasons a candidate is not reported as PASS, and its confidence.
table:     the fusions table's row order (its schema: ``records``).
engine:    one sample from its open alignment file to evidence and candidates.
"""

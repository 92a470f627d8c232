"""The activity dashboard: live counts of reads, hits, dispositions and readers reporting."""

"""The live map of reads, hits, devices and registry cameras (issue 5)."""

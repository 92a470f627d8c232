"""Administration tabs: roster, workstations, cameras, donors, registry, quarantine and the
quarterly inspections."""

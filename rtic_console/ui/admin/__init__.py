"""Administration tabs: roster and, later, donors, inspections and approvals."""

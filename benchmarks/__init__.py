"""`make bench TIER=S|M|L`: a rerunnable benchmark of the warehouse against a scan floor and a pandas peer."""

"""One writer per landing format. A writer renders the simulation's records into its files and knows nothing of
the flows that made them, so that another source's writer (another helpdesk, another survey tool) sits beside it."""

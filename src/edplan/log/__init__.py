"""The progress ledger: entries, the line format, the one reader, the tally, writers, import rows."""

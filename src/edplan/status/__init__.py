"""Pure status: (plan, tally, as-of, known-on) → rows, verdicts, rollups, forecasts. No I/O, no clock."""

"""The programme's indicators (docs/indicators.md): tables of counts, suppressed, drawn and exported."""

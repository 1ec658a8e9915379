"""Learning's models, one module per part: training records, the awareness library, posters."""

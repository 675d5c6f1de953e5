"""Reading tables that people upload (question banks, officials, units): spreadsheets and CSV
in the encodings Chinese Windows writes, with limits, errors by row number, and the dry run →
confirmation stash. Each importer keeps only its own columns and rules."""

"""Files HR uploads to create or update officials and units in bulk."""

"""What every PDF the site makes shares: the embedded CJK font, and ReportLab locked down with
text escaped for its markup (certificates and transcripts alike)."""

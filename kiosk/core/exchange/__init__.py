"""Content in and out: spreadsheets (CSV), HSDS packages, content bundles, safe output files."""

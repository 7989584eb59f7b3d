"""The CKAN Action API v3 of the data bank (modules.md §1): read actions at /api/action/<name>
and /api/3/action/<name>, the CKAN envelope and error types, so that any CKAN client (ckanapi,
ckanr, harvesters) reads the catalogue as if it were CKAN. Writes go through our own UI."""

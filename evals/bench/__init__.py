"""``newsrag bench``: ingest, query, serving, memory and scale figures, measured side by side."""

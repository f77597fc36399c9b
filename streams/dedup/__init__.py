"""Pure deduplication: canonical URLs, stable ids, content fingerprints and the dedup policy."""

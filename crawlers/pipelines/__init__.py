"""Item pipelines: deduplication, then batched writes to the store with source state."""

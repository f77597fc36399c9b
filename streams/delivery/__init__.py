"""Delivering alerts to subscribers outside Kafka's own consumers: the CLI tail, later SSE and webhooks."""

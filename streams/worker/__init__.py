"""The Kafka/Faust edge of the worker: thin agents around the pure pipeline."""

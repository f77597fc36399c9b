"""Thin Kafka edge: local broker provisioning and client helpers."""

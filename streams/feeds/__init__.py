"""The poller: fetch feeds over HTTP, parse them, publish new items to wire.raw exactly once."""

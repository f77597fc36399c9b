"""`python -m streams` runs the wirewatch CLI."""

from streams.cli import main

raise SystemExit(main())

"""`python -m bootstrap` is `stationthis`."""
from bootstrap.cli import main

raise SystemExit(main())

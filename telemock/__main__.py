"""`python -m telemock` runs the `telemock` command."""

from .cli import main

main()

"""The parts every provider plugs into: clock, tenant store, journal, fixtures, HTTP plumbing."""

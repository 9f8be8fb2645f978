"""StationThis domain: pure rules and use cases, standard library only."""

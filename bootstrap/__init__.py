"""Bootstrap: configuration, the dependency-injector container, and the CLI."""

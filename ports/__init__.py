"""Ports: the protocols the domain talks through, and the plain data they exchange."""

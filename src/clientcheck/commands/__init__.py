"""Command modules: each registers its Typer commands on clientcheck.cli.app when imported."""

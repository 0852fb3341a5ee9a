"""`hotwash demo`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("hotwash-demo"),
    show_default=True,
    help="Folder for the example's copy and its reports.",
)
def demo(out: Path) -> None:
    """Run the whole pipeline on the bundled example incident and print what it found."""
    from hotwash.demo import run_demo

    run_demo(out, echo=click.echo)

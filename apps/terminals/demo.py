"""Demo data: the park terminal template (load_demo runs this after metadata and identifiers)."""

from apps.terminals.seed import ensure_terminal_template


def load(stdout=None) -> None:
    template = ensure_terminal_template()
    if stdout is not None:
        stdout.write(f"terminals: 终端模板 {template.code}")

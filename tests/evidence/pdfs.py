"""What poppler's ``pdfinfo`` says of a PDF (tagged, title, pages), for tests that check
what a reader's PDF tools would see."""

import subprocess
from pathlib import Path


def pdf_info(pdf: bytes, folder: Path, name: str = "brief.pdf") -> dict[str, str]:
    """``pdfinfo``'s fields for ``pdf`` (written to ``folder``), values stripped."""
    path = folder / name
    path.write_bytes(pdf)
    info = subprocess.run(  # noqa: S603 - our own file
        ["pdfinfo", str(path)],  # noqa: S607 - poppler-utils, on PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in info.splitlines() if ":" in line)
    }


def pdf_links(pdf: bytes, folder: Path, name: str = "links.pdf") -> list[str]:
    """Every link target in ``pdf``, as poppler's ``pdftohtml -xml`` reads its link
    annotations (what a reader's PDF viewer would let them click)."""
    import re

    path = folder / name
    path.write_bytes(pdf)
    xml = subprocess.run(  # noqa: S603 - our own file
        ["pdftohtml", "-xml", "-stdout", "-i", "-q", str(path)],  # noqa: S607 - poppler-utils
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.findall(r'<a href="([^"]*)"', xml)

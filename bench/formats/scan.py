"""Scans: a text PDF rasterised page by page into an image-only PDF (what a town's scanner posts).

Each page is rendered with pypdfium2 at ``dpi``, optionally turned a fraction of a degree and
sprinkled with noise (a flatbed's skew and dust), and written as one JPEG per page in a PDF with
no text layer (Pillow).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

__all__ = ["rasterise"]


def rasterise(pdf_path: Path, pages: list[int] | None = None, dpi: int = 200, skew: float = 0.0,
              noise: float = 0.0, seed: int = 18) -> bytes:  # fmt: skip
    """The PDF's pages (1-based ``pages``, all when None) as an image-only PDF."""
    import pypdfium2
    from PIL import Image

    rng = random.Random(seed)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    images = []
    try:
        for number in pages or range(1, len(pdf) + 1):
            image = pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            if skew:
                image = image.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
            if noise:
                pixels = image.load()
                for _ in range(int(image.width * image.height * noise)):
                    pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 96, 200))
            images.append(image)
    finally:
        pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=90)
    return out.getvalue()

"""The fonts a style draws with, registered with reportlab once per process.

* ``cid``: reportlab's built-in ``STSong-Light`` CID font (Adobe-GB1, UniGB-UCS2-H encoding), not
  embedded: the reader maps the codes to Unicode through the encoding's CMap.
* ``ttf``: WenQuanYi Micro Hei, a TrueType collection shipped by the ``paperang-p2-fonts-cjk`` wheel
  (a dev dependency), embedded as a subset with a ToUnicode map, as most published PDFs do.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["font_name", "text_width"]

CID_FONT = "STSong-Light"
TTF_FONT = "WenQuanYiMicroHei"
TTF_PACKAGE = "paperang_p2_fonts_cjk"
TTF_FILE = "fonts/wqy-microhei.ttc"


@cache
def font_name(style_font: str) -> str:
    """The reportlab name of the ``font`` axis value, registered on first use."""
    if style_font == "cid":
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return CID_FONT
    if style_font == "ttf":
        try:
            path = resources.files(TTF_PACKAGE).joinpath(TTF_FILE)
        except ModuleNotFoundError as err:
            raise RuntimeError(
                f"the ttf style needs the {TTF_PACKAGE} package (uv sync --group dev)"
            ) from err
        with resources.as_file(path) as file:
            pdfmetrics.registerFont(TTFont(TTF_FONT, str(file), subfontIndex=0))
        return TTF_FONT
    raise ValueError(f"unknown font style {style_font!r}")


def text_width(text: str, font: str, size: float, horizontal_scale: float = 1.0) -> float:
    return pdfmetrics.stringWidth(text, font, size) * horizontal_scale

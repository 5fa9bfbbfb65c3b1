"""The fonts a style draws with, registered with reportlab once per process.

* ``cid``: reportlab's built-in ``STSong-Light`` CID font (Adobe-GB1, UniGB-UCS2-H encoding), not
  embedded: the reader maps codes to Unicode through the encoding's own CMap.
* ``cid_identity``: the same font re-encoded to Identity-H with a ToUnicode CMap
  (``to_identity_with_to_unicode``), as office suites write a non-embedded CID font.
* ``ttf``: WenQuanYi Micro Hei, a TrueType collection shipped by the ``paperang-p2-fonts-cjk`` wheel
  (a dev dependency), embedded as a subset with a ToUnicode map, as most published PDFs do.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["font_name", "text_width", "to_identity_with_to_unicode"]

CID_FONT = "STSong-Light"
TTF_FONT = "WenQuanYiMicroHei"
TTF_PACKAGE = "paperang_p2_fonts_cjk"
TTF_FILE = "fonts/wqy-microhei.ttc"


@cache
def font_name(style_font: str) -> str:
    """The reportlab name of the ``font`` axis value, registered on first use."""
    if style_font in ("cid", "cid_identity"):
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


_CMAP_HEAD = """/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
"""
_CMAP_TAIL = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
_SHOW_TEXT = {"Tj", "'", '"'}


def to_identity_with_to_unicode(path) -> None:
    """Re-encode the PDF's non-embedded STSong-Light text from UCS-2 codes (``UniGB-UCS2-H``) to
    Adobe-GB1 CIDs (``Identity-H``) and give the font a ToUnicode CMap (CID → Unicode): the shape of
    a non-embedded CID font as office suites write it. The glyphs drawn stay the same."""
    import pikepdf
    from pdfminer.cmapdb import CMapDB

    ucs2 = CMapDB.get_cmap("UniGB-UCS2-H")
    used: dict[int, str] = {}

    def recode(data: bytes) -> bytes:
        cids = list(ucs2.decode(data))
        for k, cid in enumerate(cids):
            used[cid] = data[2 * k : 2 * k + 2].decode("utf-16-be")
        return b"".join(cid.to_bytes(2, "big") for cid in cids)

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        fonts = []
        for page in pdf.pages:
            mine = {
                n for n, f in page.Resources.get("/Font", {}).items() if f.get("/Encoding") == "/UniGB-UCS2-H"
            }
            if not mine:
                continue
            fonts += [page.Resources.Font[n] for n in mine]
            current, ops = None, []
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "Tf":
                    current = str(operands[0])
                elif str(op) in _SHOW_TEXT and current in mine:
                    operands = [*operands[:-1], pikepdf.String(recode(bytes(operands[-1])))]
                ops.append((operands, op))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        pairs = [f"<{cid:04X}> <{ord(ch):04X}>" for cid, ch in sorted(used.items())]
        body = "".join(
            f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
            for chunk in (pairs[k : k + 100] for k in range(0, len(pairs), 100))
        )
        to_unicode = pdf.make_stream((_CMAP_HEAD + body + _CMAP_TAIL).encode("ascii"))
        for font in fonts:
            font.Encoding = pikepdf.Name("/Identity-H")
            font.ToUnicode = to_unicode
        pdf.save(path, deterministic_id=True)

"""Printable PDFs: a Django template rendered by WeasyPrint, with Noto Sans SC embedded.

Every PDF gets a base stylesheet (user origin, so a template's own CSS wins) with:
- @font-face rules for Noto Sans SC (the Chinese-simplified and Latin subsets, weights 400 and
  700) pointing at the .woff files in settings.PDF_FONT_DIR, so the glyphs are embedded and the
  document looks the same whatever fonts the server has installed;
- an A4 page with margins and "page / pages" in the footer.

WeasyPrint only fetches local files from the font directory: any other URL a template (or text
that slipped into one) might name is refused, so rendering never reads the server's files or
calls out to the network.
"""

import re
import unicodedata
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint merges every font file with the same family, weight and style into one PDF font
# (it keys fonts by their Pango description), which garbles glyphs when a family is split into
# unicode-range subsets. So each subset gets a family of its own and the stack lists both,
# Latin first as the browser picks it with Fontsource's CSS; both are cuts of the same font.
FONT_FAMILIES = {"latin": "Noto Sans SC Latin", "chinese-simplified": "Noto Sans SC"}
FONT_STACK = '"Noto Sans SC Latin", "Noto Sans SC", sans-serif'
FONT_WEIGHTS = (400, 700)
# The Latin subset's range as Fontsource declares it; the Chinese file covers everything else.
LATIN_RANGE = (
    "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, "
    "U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
)

PAGE_CSS = f"""
@page {{
  size: A4;
  margin: 22mm 20mm 22mm 20mm;
  @bottom-center {{
    content: counter(page) " / " counter(pages);
    font-family: {FONT_STACK};
    font-size: 8.5pt;
    color: #666;
  }}
}}
html {{ font-family: {FONT_STACK}; font-size: 10.5pt; line-height: 1.6; }}
"""


def font_dir() -> Path:
    return Path(settings.PDF_FONT_DIR).resolve()


def font_path(subset: str, weight: int) -> Path:
    return font_dir() / f"noto-sans-sc-{subset}-{weight}-normal.woff"


def font_face_css() -> str:
    rules = []
    for subset, family in FONT_FAMILIES.items():
        for weight in FONT_WEIGHTS:
            unicode_range = f"\n  unicode-range: {LATIN_RANGE};" if subset == "latin" else ""
            rules.append(
                "@font-face {\n"
                f'  font-family: "{family}";\n'
                "  font-style: normal;\n"
                f"  font-weight: {weight};\n"
                f'  src: url("{font_path(subset, weight).as_uri()}") format("woff");'
                f"{unicode_range}\n"
                "}"
            )
    return "\n".join(rules)


@lru_cache(maxsize=16)
def _sfnt_bytes(path: str, mtime_ns: int) -> bytes:
    """The font at `path` as plain TrueType/OpenType bytes, decoded from WOFF once per process
    (WeasyPrint would otherwise inflate the 1.5 MB Chinese file on every PDF)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:4] != b"wOFF":
        return data
    font = TTFont(BytesIO(data))
    font.flavor = None
    out = BytesIO()
    font.save(out)
    return out.getvalue()


class FontDirFetcher(URLFetcher):
    """Serves file:// URLs inside the font directory and refuses every other URL."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"PDF rendering fetches no external resources: {url[:200]}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(font_dir()) or not path.is_file():
            raise ValueError(f"PDF rendering reads only the font directory: {url[:200]}")
        body = _sfnt_bytes(str(path), path.stat().st_mtime_ns)
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": "font/ttf"})


def check_fonts() -> None:
    """Refuse to render without the font files: WeasyPrint would quietly fall back to whatever
    fonts the server has, and Chinese could come out as boxes."""
    missing = [
        path.name
        for subset in FONT_FAMILIES
        for weight in FONT_WEIGHTS
        if not (path := font_path(subset, weight)).is_file()
    ]
    if missing:
        raise ImproperlyConfigured(
            f"PDF fonts missing from PDF_FONT_DIR ({font_dir()}): {', '.join(missing)}. "
            "Install the front-end packages (npm ci)."
        )


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render `template_name` with `context` (and the request's context processors, when given)
    and return the PDF bytes."""
    return render_pdf_pages(template_name, context, request=request)[0]


def render_pdf_pages(template_name: str, context: dict, *, request=None) -> tuple[bytes, int]:
    """render_pdf, and the number of pages it laid out."""
    check_fonts()
    html = render_to_string(template_name, context, request=request)
    fetcher = FontDirFetcher()
    # One font configuration per document: the @font-face rules register the files in it, and
    # the same object lays out the text, so the glyphs come from (and are embedded from) them.
    font_config = FontConfiguration()
    base_css = CSS(
        string=font_face_css() + PAGE_CSS,
        base_url=font_dir().as_uri() + "/",
        url_fetcher=fetcher,
        font_config=font_config,
    )
    document = HTML(string=html, base_url=font_dir().as_uri() + "/", url_fetcher=fetcher)
    laid_out = document.render(stylesheets=[base_css], font_config=font_config)
    return laid_out.write_pdf(), len(laid_out.pages)


def ascii_filename(filename: str, default: str = "document.pdf") -> str:
    """A filename safe in any Content-Disposition header: ASCII letters, digits, '.', '-', '_'."""
    text = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-_")
    if not text or text.lower() == "pdf":
        text = default
    if not text.lower().endswith(".pdf"):
        text += ".pdf"
    return text


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser (inline), under an ASCII-safe name, never cached shared."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{ascii_filename(filename)}"'
    response["Content-Length"] = str(len(content))
    patch_cache_control(response, private=True, no_store=True)
    return response

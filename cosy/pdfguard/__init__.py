"""Guards around the PDF libraries: every page's cost is known and bounded before it is paid.

- :mod:`cosy.pdfguard.decode`: pdfminer's stream decoding, capped per stream and in total.
- :mod:`cosy.pdfguard.check`: a walk of each page's content and resources (bytes, operators,
  objects, nesting, image sizes) that decides which pages are read.
- :mod:`cosy.pdfguard.render`: PDFium rendering capped in pixels and cropped to the content,
  and the blank-page test that runs before OCR.
"""

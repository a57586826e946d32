"""Line items: the rows of the item table, read through the columns its header row defines.

Ruled or not, an item table announces itself by a row of column headers (Pos | Beschreibung |
Menge | Einzelpreis | Gesamt, Description | Qty | Unit price | Amount ...). The steps: the header
and its columns (:mod:`.header`); the table's lines, their cells and the lines that make each
item (:mod:`.rows`), or a ruled table's cells (:mod:`.ruled`); each item's values and their
arithmetic, and the join over pages (:mod:`.items`). A continuation page repeats the header, so
each page is read on its own.
"""

"""Tax: the rate, the VAT breakdown rows and the tax category (UNTDID 5305)
(``fields.tax.<stage>.rate`` / ``.breakdown`` / ``.category``).
"""

"""Contact: phone, fax, e-mail, website, contact person and director of each party
(``fields.contact.<stage>.<kind>``).
"""

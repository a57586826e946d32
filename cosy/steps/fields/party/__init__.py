"""Parties: seller and buyer name, address and legal form (``fields.party.<stage>.<part>``).

Headings, postcodes, cities, countries, streets, legal forms, persons and organisation names
are families of their own; they fill address blocks, the ``party_role`` model rates each
block, and ``fields.party.assign`` picks one block per role.
"""

"""Document numbers: the document's own, order, customer and supplier number and the
referenced invoice (``fields.numbers.*``): label sources per language -> normalise ->
validate -> context -> role (what the label says the number is) -> one select step per field.
"""

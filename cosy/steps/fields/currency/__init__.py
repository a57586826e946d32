"""Currency: ISO codes, signs and words printed on the page (``fields.currency.*``)."""

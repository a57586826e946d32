"""COSY's model recipes and artefacts (``python -m models.recipes.build`` rebuilds them)."""

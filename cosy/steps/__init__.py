"""COSY's ETL steps, one module per family.

Importing this package registers nothing: the pipeline profile names the packages whose
modules define steps, and the engine imports every module under them
(``cosy.engine.profiles.import_steps``).
"""

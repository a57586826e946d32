"""Batch runs and SAP migration exports (DESIGN §3: "batch runner and SAP migration exporters").

``cosy batch`` (:mod:`cosy.batch.runner`) takes folders, globs, ZIP archives and mailboxes
(:mod:`cosy.batch.sources`) through the same durable jobs as ``cosy submit --wait`` and writes a
report (:mod:`cosy.batch.report`); ``cosy export sap`` (:mod:`cosy.batch.sap`) turns the tenant's
knowledge graph into SAP S/4HANA Migration Cockpit data.
"""

"""The DAG engine: step contract, pipeline checks, executors on Dask, durable job dispatcher."""

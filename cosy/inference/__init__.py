"""Heavy resources (spaCy pipelines, ONNX sessions) loaded once per worker process."""

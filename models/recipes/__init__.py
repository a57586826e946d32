"""Reproducible training recipes: documents from the generator in, ONNX models and cards out."""

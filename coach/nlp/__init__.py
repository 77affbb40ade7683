"""Text-model runtime: the sentence-encoder port, its ONNX adapter, trained heads, semantic
matching and the one text normaliser every pattern and cue reads."""

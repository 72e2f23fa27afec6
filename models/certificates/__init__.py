"""证明: the allowed kinds and the certificates issued."""

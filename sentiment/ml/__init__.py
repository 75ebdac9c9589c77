"""The pure sentiment engine: labels, the PyTorch classifier, baselines, metrics, moderation rules, aspects.

Nothing here knows about Django: texts and label arrays in, probabilities and metrics out, so the
management command `evaluate_sentiment` runs the very engine the `sentiment` model kind trains.
"""

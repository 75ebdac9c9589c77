"""What the text models (review sentiment, the support bot's intents) share: calibration, stratified
splits, TF-IDF features and their storage, MiniLM fine-tuning helpers. Pure code: no Django imports.

The frozen sentence encoder itself is ml.embeddings.
"""

"""The support bot's pure ML code: intent classification, out-of-scope detection, FAQ retrieval.

Nothing here knows about Django: lists of texts and numpy arrays in, predictions and metrics out,
so `manage.py evaluate_intents` and `bench/support_bitext.py` run exactly the engine the bot serves.
"""

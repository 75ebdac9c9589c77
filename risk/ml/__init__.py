"""The risk engine: pure feature derivation, model and evaluation (pandas, numpy, LightGBM; no Django)."""

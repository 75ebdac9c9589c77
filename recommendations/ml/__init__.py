"""Pure recommendation models: arrays in, arrays and metrics out. No Django imports here."""

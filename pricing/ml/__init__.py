"""The pricing engine, pure: numpy arrays and LightGBM in, prices, forecasts and explanations out.

Nothing here knows Django. The management commands (`suggest_prices`, `simulate_pricing`), the
`demand` model kind and the nightly run all call `engine.suggest` on the same data shapes.
"""

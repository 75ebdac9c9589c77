"""The demo store: a deterministic, believable catalog with the shoppers, orders, reviews and events behind it.

`vocabulary` holds the words, `catalog` and `simulation` turn them into plain data with a seeded
`random.Random`, `reviews` writes review text, `images` draws product pictures, and `loader`
writes everything to the database. docs/demo-data.md describes the generative model.
"""

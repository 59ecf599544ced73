"""Pure-numpy backpropagation core: networks, datasets, training and trace files.

Nothing in this package imports manim: scenes read what the core records.
"""

"""Protected self-care time: weekly slots, one week's moves and skips, and keep rates."""

"""The weekly session: appreciate, check in, look back and ahead, rebalance, kindness,
self-care and agreement, run together on one screen or on two phones."""

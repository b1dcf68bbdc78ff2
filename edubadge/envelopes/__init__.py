"""Envelopes: a credential secured from the outside (a compact JWS), not by an embedded proof."""

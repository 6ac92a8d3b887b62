"""Money on a document: amounts are integer fen (分) everywhere, printed as yuan with two
decimals and in Chinese capitals (大写金额). The rules are ``sync.documents.formats``'s, which
the phone's copy shares; this is where the server's code has always found them."""

from __future__ import annotations

from sync.documents.formats import amount, check_fen, yuan, yuan_in_capitals

_check = check_fen

__all__ = ["amount", "yuan", "yuan_in_capitals"]

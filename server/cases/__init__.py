"""Cases (案件) by the Administrative Penalty Law: synced records (``sync.workflow``), their
inspection records, and the documents issued from them."""

"""Evidence (证据): photos declared by content in a synced record, their bytes uploaded
resumably (tus 1.0), verified against the hash the device computed at capture, checked by
Pillow, stored unchanged under that hash, and accounted for in the audit chain."""

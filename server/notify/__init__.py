"""Notifications (通知) that reach a phone in China: an outbox written in the push's own
transaction, sent after commit by ``flask notify send`` through one configured adapter."""

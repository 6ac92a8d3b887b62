"""Inspections planned, drawn at random and done once (双随机一公开, 综合查一次): issue 21."""

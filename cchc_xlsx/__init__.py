"""cchc-xlsx: plan, collect, check and print a CCHC budget."""

"""The plan builder blueprint: relapse-prevention plans made from a screening, edited section by
section, kept as numbered revisions under a private link, and portable as a JSON file."""

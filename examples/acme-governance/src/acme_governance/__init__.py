"""ACME's governance rules for govcheck: this package's folder is the policy pack (its YAML
files are the rules, cases/ holds their rule cases). govcheck reads it; nothing runs."""

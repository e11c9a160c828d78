"""The built-in policy pack: rules as data (one YAML file per rule). This file only makes
the folder importable as govcheck.policies so that the installed package carries it."""

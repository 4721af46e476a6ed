"""The plan: models, YAML loading with positions, whole-plan checks, the document, the schema, new years."""

"""Pages of classes and assignments, joining by code, disagreements and adjudication."""

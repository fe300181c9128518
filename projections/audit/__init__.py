"""The audit trail view, its queries and its exports."""

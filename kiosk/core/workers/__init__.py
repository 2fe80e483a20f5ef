"""What workers and residents leave behind: the PIN, feedback, usage counts, reports."""

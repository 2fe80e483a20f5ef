"""Opening the database, its schema steps, the runtime copy, recovery and backups."""

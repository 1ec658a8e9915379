"""Running the service: encrypted backups of the database and the stored files, and their restore."""

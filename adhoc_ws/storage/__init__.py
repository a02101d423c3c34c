"""Storage: the GBA-V persoonslijst tables, and moving persoonslijsten in and out."""

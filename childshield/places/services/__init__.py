"""Every write of place data: loading areas and helpline numbers from files, and the areas agencies cover."""

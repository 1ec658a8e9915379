"""Every write of the helpline console, one module per part of the counsellors' work."""

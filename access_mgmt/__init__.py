"""Staff users (the ``AUTH_USER_MODEL``), roles, permissions, sessions, approvals."""

from access_mgmt.factories.users import SystemUserFactory

__all__ = ["SystemUserFactory"]

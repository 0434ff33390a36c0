from access_mgmt.models.users import SystemUser

__all__ = ["SystemUser"]

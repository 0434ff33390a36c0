"""Enums owned by the merchants domain (CATALOG.md section 7, items 41-48)."""

from django.db import models


class MerchantEntityType(models.TextChoices):
    PROPRIETORSHIP = "PROPRIETORSHIP", "Proprietorship"
    PARTNERSHIP = "PARTNERSHIP", "Partnership firm"
    LLP = "LLP", "Limited liability partnership"
    PRIVATE_LIMITED = "PRIVATE_LIMITED", "Private limited company"
    PUBLIC_LIMITED = "PUBLIC_LIMITED", "Public limited company"
    TRUST = "TRUST", "Trust"
    HUF = "HUF", "Hindu undivided family"


class MerchantStatus(models.TextChoices):
    LEAD = "LEAD", "Lead"
    ONBOARDING = "ONBOARDING", "Onboarding"
    ACTIVE = "ACTIVE", "Active"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"


class StoreStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    UNDER_REVIEW = "UNDER_REVIEW", "Under review"
    LIVE = "LIVE", "Live"
    PAUSED = "PAUSED", "Paused"
    TEMPORARILY_CLOSED = "TEMPORARILY_CLOSED", "Temporarily closed"
    DELISTED = "DELISTED", "Delisted"


class MerchantUserRole(models.TextChoices):
    OWNER = "OWNER", "Owner"
    MANAGER = "MANAGER", "Manager"
    STAFF = "STAFF", "Staff"
    ACCOUNTANT = "ACCOUNTANT", "Accountant"


class MerchantDocumentType(models.TextChoices):
    FSSAI_LICENCE = "FSSAI_LICENCE", "FSSAI licence / registration"
    GST_CERTIFICATE = "GST_CERTIFICATE", "GST certificate"
    PAN = "PAN", "PAN card"
    CANCELLED_CHEQUE = "CANCELLED_CHEQUE", "Cancelled cheque"
    SHOP_ESTABLISHMENT = "SHOP_ESTABLISHMENT", "Shop & establishment certificate"
    TRADE_LICENCE = "TRADE_LICENCE", "Trade licence"
    OWNER_ID_PROOF = "OWNER_ID_PROOF", "Owner ID proof"
    INCORPORATION_CERTIFICATE = "INCORPORATION_CERTIFICATE", "Certificate of incorporation"
    PARTNERSHIP_DEED = "PARTNERSHIP_DEED", "Partnership deed"
    MENU_CARD = "MENU_CARD", "Menu card"


class FssaiLicenceType(models.TextChoices):
    """FSSAI tiers: Basic registration (turnover below Rs 12 lakh), State
    licence, Central licence (above Rs 20 crore)."""

    BASIC_REGISTRATION = "BASIC_REGISTRATION", "Basic registration"
    STATE_LICENCE = "STATE_LICENCE", "State licence"
    CENTRAL_LICENCE = "CENTRAL_LICENCE", "Central licence"


class ItemAvailability(models.TextChoices):
    IN_STOCK = "IN_STOCK", "In stock"
    OUT_OF_STOCK = "OUT_OF_STOCK", "Out of stock"
    OUT_OF_STOCK_TODAY = "OUT_OF_STOCK_TODAY", "Out of stock today"
    HIDDEN = "HIDDEN", "Hidden"


class SettlementCycle(models.TextChoices):
    DAILY = "DAILY", "Daily"
    WEEKLY = "WEEKLY", "Weekly"
    BIWEEKLY = "BIWEEKLY", "Every two weeks"
    MONTHLY = "MONTHLY", "Monthly"


class LeadSource(models.TextChoices):
    """``merchant_onboarding_applications.lead_source``: where a merchant
    lead came from."""

    FIELD_SALES = "FIELD_SALES", "Field sales"
    WEBSITE = "WEBSITE", "Website"
    REFERRAL = "REFERRAL", "Referral"
    ONDC = "ONDC", "ONDC network"
    INBOUND_CALL = "INBOUND_CALL", "Inbound call"
    PARTNER_APP = "PARTNER_APP", "Partner app sign-up"
    EVENT = "EVENT", "Event or campaign"

"""The FOCUS 1.2 column list [FOCUS]: every column's data type, whether it may be null, its
feature level, and the columns costlab writes."""

from __future__ import annotations

from typing import Literal

from costlab.records import frozen

DataType = Literal["Decimal", "String", "Date/Time", "JSON"]
Level = Literal["Mandatory", "Conditional", "Recommended"]


@frozen
class Column:
    """A FOCUS 1.2 column as the specification defines it [FOCUS]."""

    id: str
    data_type: DataType
    allows_nulls: bool
    level: Level


def _c(id: str, data_type: DataType, nulls: bool, level: Level) -> Column:
    return Column(id, data_type, nulls, level)


#: Every column of the FOCUS 1.2 cost and usage dataset (specification/columns at tag v1.2).
COLUMNS: tuple[Column, ...] = (
    _c("AvailabilityZone", "String", True, "Recommended"),
    _c("BilledCost", "Decimal", False, "Mandatory"),
    _c("BillingAccountId", "String", False, "Mandatory"),
    _c("BillingAccountName", "String", True, "Mandatory"),
    _c("BillingAccountType", "String", False, "Conditional"),
    _c("BillingCurrency", "String", False, "Mandatory"),
    _c("BillingPeriodEnd", "Date/Time", False, "Mandatory"),
    _c("BillingPeriodStart", "Date/Time", False, "Mandatory"),
    _c("CapacityReservationId", "String", True, "Conditional"),
    _c("CapacityReservationStatus", "String", True, "Conditional"),
    _c("ChargeCategory", "String", False, "Mandatory"),
    _c("ChargeClass", "String", True, "Mandatory"),
    _c("ChargeDescription", "String", True, "Mandatory"),
    _c("ChargeFrequency", "String", False, "Recommended"),
    _c("ChargePeriodEnd", "Date/Time", False, "Mandatory"),
    _c("ChargePeriodStart", "Date/Time", False, "Mandatory"),
    _c("CommitmentDiscountCategory", "String", True, "Conditional"),
    _c("CommitmentDiscountId", "String", True, "Conditional"),
    _c("CommitmentDiscountName", "String", True, "Conditional"),
    _c("CommitmentDiscountQuantity", "Decimal", True, "Conditional"),
    _c("CommitmentDiscountStatus", "String", True, "Conditional"),
    _c("CommitmentDiscountType", "String", True, "Conditional"),
    _c("CommitmentDiscountUnit", "String", True, "Conditional"),
    _c("ConsumedQuantity", "Decimal", True, "Conditional"),
    _c("ConsumedUnit", "String", True, "Conditional"),
    _c("ContractedCost", "Decimal", False, "Mandatory"),
    _c("ContractedUnitPrice", "Decimal", True, "Conditional"),
    _c("EffectiveCost", "Decimal", False, "Mandatory"),
    _c("InvoiceId", "String", True, "Recommended"),
    _c("InvoiceIssuerName", "String", False, "Mandatory"),
    _c("ListCost", "Decimal", False, "Mandatory"),
    _c("ListUnitPrice", "Decimal", True, "Conditional"),
    _c("PricingCategory", "String", True, "Conditional"),
    _c("PricingCurrency", "String", True, "Conditional"),
    _c("PricingCurrencyContractedUnitPrice", "Decimal", True, "Conditional"),
    _c("PricingCurrencyEffectiveCost", "Decimal", True, "Conditional"),
    _c("PricingCurrencyListUnitPrice", "Decimal", True, "Conditional"),
    _c("PricingQuantity", "Decimal", True, "Mandatory"),
    _c("PricingUnit", "String", True, "Mandatory"),
    _c("ProviderName", "String", False, "Mandatory"),
    _c("PublisherName", "String", False, "Mandatory"),
    _c("RegionId", "String", True, "Conditional"),
    _c("RegionName", "String", True, "Conditional"),
    _c("ResourceId", "String", True, "Conditional"),
    _c("ResourceName", "String", True, "Conditional"),
    _c("ResourceType", "String", True, "Conditional"),
    _c("ServiceCategory", "String", False, "Mandatory"),
    _c("ServiceName", "String", False, "Mandatory"),
    _c("ServiceSubcategory", "String", False, "Recommended"),
    _c("SkuId", "String", True, "Conditional"),
    _c("SkuMeter", "String", True, "Conditional"),
    _c("SkuPriceDetails", "JSON", True, "Conditional"),
    _c("SkuPriceId", "String", True, "Conditional"),
    _c("SubAccountId", "String", True, "Conditional"),
    _c("SubAccountName", "String", True, "Conditional"),
    _c("SubAccountType", "String", True, "Conditional"),
    _c("Tags", "JSON", True, "Conditional"),
)

#: The FOCUS columns costlab writes, in the order written (then the ``x_`` columns).
WRITTEN: tuple[str, ...] = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
)

#: Billed token kinds: (rate name, token count, SkuMeter).

"""The S/4HANA emulator's service description: the fields of A_SalesOrder and
A_SalesOrderItem that apis-wave2 §5b lists, with the types and lengths it gives (a length it
does not give is left open), turned into the EDMX that `$metadata` serves and that the
emulator checks every write against. Written here from that field list, not copied."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

NAMESPACE = "API_SALES_ORDER_SRV"


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "Edm.String"
    length: int | None = None
    precision: tuple[int, int] | None = None  # (precision, scale) of an Edm.Decimal
    key: bool = False
    computed: bool = False  # the server fills it; a client's value is replaced


ORDER = (
    Field("SalesOrder", length=10, key=True, computed=True),
    Field("SalesOrderType", length=4),
    Field("SalesOrganization", length=4),
    Field("DistributionChannel", length=2),
    Field("OrganizationDivision", length=2),
    Field("SoldToParty", length=10),
    Field("PurchaseOrderByCustomer", length=35),
    Field("SalesOrderDate", "Edm.DateTime"),
    Field("CreationDate", "Edm.DateTime", computed=True),
    Field("LastChangeDate", "Edm.DateTime", computed=True),
    Field("LastChangeDateTime", "Edm.DateTimeOffset", computed=True),
    Field("RequestedDeliveryDate", "Edm.DateTime"),
    Field("TotalNetAmount", "Edm.Decimal", precision=(16, 3), computed=True),
    Field("TransactionCurrency", length=5),
    Field("OverallSDProcessStatus", computed=True),
    Field("OverallTotalDeliveryStatus", computed=True),
    Field("TotalCreditCheckStatus", computed=True),
    Field("DeliveryBlockReason"),
    Field("HeaderBillingBlockReason"),
)
ITEM = (
    Field("SalesOrder", length=10, key=True, computed=True),
    Field("SalesOrderItem", length=6, key=True),
    Field("Material", length=40),
    Field("SalesOrderItemText"),
    Field("RequestedQuantity", "Edm.Decimal", precision=(15, 3)),
    Field("RequestedQuantityUnit"),
    Field("NetAmount", "Edm.Decimal", precision=(16, 3), computed=True),
    Field("ProductionPlant"),
    Field("StorageLocation"),
    Field("ShippingPoint"),
    Field("SDProcessStatus", computed=True),
    Field("DeliveryStatus", computed=True),
    Field("OrderRelatedBillingStatus", computed=True),
)
REQUIRED_ORDER = ("SalesOrderType", "SalesOrganization", "DistributionChannel",
                  "OrganizationDivision", "SoldToParty")
REQUIRED_ITEM = ("Material", "RequestedQuantity")


def _property(f: Field) -> str:
    attrs = {"Name": f.name, "Type": f.type, "Nullable": "false" if f.key else "true"}
    if f.length:
        attrs["MaxLength"] = str(f.length)
    if f.precision:
        attrs["Precision"], attrs["Scale"] = map(str, f.precision)
    if f.type == "Edm.DateTime":
        attrs["Precision"] = "0"
    return "<Property " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"


def _entity_type(name: str, fields: tuple[Field, ...], navigation: str = "") -> str:
    keys = "".join(f'<PropertyRef Name="{f.name}"/>' for f in fields if f.key)
    props = "".join(_property(f) for f in fields)
    return f'<EntityType Name="{name}"><Key>{keys}</Key>{props}{navigation}</EntityType>'


def edmx() -> bytes:
    """The $metadata document: two entity types, the to_Item association and one container."""
    ns = NAMESPACE
    order_nav = (f'<NavigationProperty Name="to_Item" Relationship="{ns}.assoc_SalesOrder_Item" '
                 'FromRole="FromRole_Order" ToRole="ToRole_Item"/>')
    association = (
        f'<Association Name="assoc_SalesOrder_Item">'
        f'<End Type="{ns}.A_SalesOrderType" Multiplicity="1" Role="FromRole_Order"/>'
        f'<End Type="{ns}.A_SalesOrderItemType" Multiplicity="*" Role="ToRole_Item"/>'
        '<ReferentialConstraint><Principal Role="FromRole_Order">'
        '<PropertyRef Name="SalesOrder"/></Principal><Dependent Role="ToRole_Item">'
        '<PropertyRef Name="SalesOrder"/></Dependent></ReferentialConstraint></Association>')
    container = (
        f'<EntityContainer Name="{ns}_Entities" m:IsDefaultEntityContainer="true">'
        f'<EntitySet Name="A_SalesOrder" EntityType="{ns}.A_SalesOrderType"/>'
        f'<EntitySet Name="A_SalesOrderItem" EntityType="{ns}.A_SalesOrderItemType"/>'
        f'<AssociationSet Name="assoc_SalesOrder_Item_set" '
        f'Association="{ns}.assoc_SalesOrder_Item">'
        '<End EntitySet="A_SalesOrder" Role="FromRole_Order"/>'
        '<End EntitySet="A_SalesOrderItem" Role="ToRole_Item"/></AssociationSet>'
        '</EntityContainer>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" '
        'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">'
        '<edmx:DataServices m:DataServiceVersion="2.0">'
        f'<Schema Namespace="{ns}" xml:lang="en" '
        'xmlns="http://schemas.microsoft.com/ado/2008/09/edm">'
        + _entity_type("A_SalesOrderType", ORDER, order_nav)
        + _entity_type("A_SalesOrderItemType", ITEM)
        + association + container
        + '</Schema></edmx:DataServices></edmx:Edmx>').encode()

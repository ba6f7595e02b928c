"""The local model: SQLAlchemy 2 typed declarative entities and their state machines.

An area's classes are declared when a name of that area is first asked for
(`from oms_desktop.model import Order` declares the order area and what it refers to), so a
command that reads orders does not pay for declaring the B2B, floor or books classes: about a
third of a short command's start (issue 16). Relationships point from the outer areas to the
core ones (orders, parties, locations, users, catalogue), never back, so any set of loaded
areas maps on its own. `load_all()` declares every class, for what needs the whole schema
(migrations, schema checks, the demo's bulk writer)."""

from importlib import import_module

# area module: the names it gives the package
AREAS: dict[str, str] = {
    "automation": "AutomationRule RuleRun RuleTrigger",
    "b2b": (
        "AckStatus B2BAccount CustomerPrice EdiDirection EdiDocument Invoice InvoiceLine "
        "InvoiceStatus Payment PurchaseOrderLine TradingPartner"),
    "base": "Base Money UtcDateTime utcnow",
    "books": "BookMapping BookPosting ChannelFee PostingStatus",
    "brand": "Brand",
    "catalog": "BarcodeKind KitComponent Product ProductBarcode",
    "channels": "ChannelOrderState ChannelOutbox ChannelSkuLevel InventorySyncLog",
    "counting": "COUNT_FLOW CountBin CountLine CountStatus CycleCount",
    "freight": (
        "BackorderPolicy DeliveryStage DeliveryStageLine DeliveryTerms FreightBooking Pallet "
        "PalletCarton StageStatus"),
    "floor": (
        "PickLineStatus PickList PickListItem PickListKind PickListLine PickListSlot "
        "PickListStatus ScanEvent ScanResult ShortPick ShortPickStatus"),
    "location": "SITE_KINDS STOCK_KINDS Location LocationKind",
    "notification": "NotificationKind NotificationTemplate OutboxMessage OutboxStatus",
    "order": (
        "ORDER_FLOW FinancialStatus FulfilmentStatus HoldReason Order OrderHold OrderLine "
        "OrderStatus OrderTag"),
    "party": "Channel Customer CustomerKind channel_locations",
    "replenishment": "ReorderPoint ReplenishmentSuggestion SuggestionKind SuggestionStatus",
    "returns": "RETURN_FLOW Refund RefundStatus Return ReturnLine ReturnStatus ReturnUnit",
    "search": "OrderWord",
    "settings": "Setting",
    "shipment": "SHIPMENT_FLOW SHIPPED_STATES Package Shipment ShipmentLine ShipmentStatus",
    "shipping": (
        "LabelPurchase Manifest PrintJob PrintJobState PurchaseStatus ShippingLabel "
        "TrackingEvent"),
    "stock": "MoveReason Reservation ReservationStatus StockLevel StockMove",
    "sync": "ReportFile SyncCursor SyncError SyncRun",
    "transfer": "TRANSFER_FLOW StockTransfer StockTransferLine TransferStatus",
    "user": "AuditEvent User UserSite",
    "workflow": "SYSTEM Actor Role StateMachine",
}

_AREA_OF = {name: area for area, names in AREAS.items() for name in names.split()}


def __getattr__(name: str):
    area = _AREA_OF.get(name)
    if area is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{area}"), name)
    globals()[name] = value
    return value


def load_all() -> None:
    """Declare every mapped class, so `Base.metadata` holds the whole schema."""
    for area in AREAS:
        import_module(f"{__name__}.{area}")


__all__ = sorted(_AREA_OF) + ["load_all"]


def __dir__() -> list[str]:
    return __all__

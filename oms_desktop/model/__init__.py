"""The local model: SQLAlchemy 2 typed declarative entities and their state machines."""

from oms_desktop.model.automation import AutomationRule, RuleRun, RuleTrigger
from oms_desktop.model.b2b import (
    AckStatus, B2BAccount, CustomerPrice, EdiDirection, EdiDocument, Invoice, InvoiceLine,
    InvoiceStatus, Payment, PurchaseOrderLine, TradingPartner,
)
from oms_desktop.model.base import Base, Money, UtcDateTime, utcnow
from oms_desktop.model.books import BookMapping, BookPosting, PostingStatus
from oms_desktop.model.catalog import BarcodeKind, KitComponent, Product, ProductBarcode
from oms_desktop.model.channels import (
    ChannelOrderState, ChannelOutbox, ChannelSkuLevel, InventorySyncLog,
)
from oms_desktop.model.counting import COUNT_FLOW, CountBin, CountLine, CountStatus, CycleCount
from oms_desktop.model.floor import (
    PickLineStatus, PickList, PickListItem, PickListKind, PickListLine, PickListSlot,
    PickListStatus, ScanEvent, ScanResult, ShortPick, ShortPickStatus,
)
from oms_desktop.model.location import SITE_KINDS, STOCK_KINDS, Location, LocationKind
from oms_desktop.model.notification import (
    NotificationKind, NotificationTemplate, OutboxMessage, OutboxStatus,
)
from oms_desktop.model.order import (
    ORDER_FLOW, FinancialStatus, FulfilmentStatus, HoldReason, Order, OrderHold, OrderLine,
    OrderStatus, OrderTag,
)
from oms_desktop.model.party import Channel, Customer, CustomerKind, channel_locations
from oms_desktop.model.replenishment import (
    ReorderPoint, ReplenishmentSuggestion, SuggestionKind, SuggestionStatus,
)
from oms_desktop.model.returns import (
    RETURN_FLOW, Refund, RefundStatus, Return, ReturnLine, ReturnStatus, ReturnUnit,
)
from oms_desktop.model.search import OrderWord
from oms_desktop.model.settings import Setting
from oms_desktop.model.shipment import (
    SHIPMENT_FLOW, SHIPPED_STATES, Package, Shipment, ShipmentLine, ShipmentStatus,
)
from oms_desktop.model.shipping import (
    LabelPurchase, Manifest, PrintJob, PrintJobState, PurchaseStatus, ShippingLabel,
    TrackingEvent,
)
from oms_desktop.model.stock import (
    MoveReason, Reservation, ReservationStatus, StockLevel, StockMove,
)
from oms_desktop.model.sync import ReportFile, SyncCursor, SyncError, SyncRun
from oms_desktop.model.user import AuditEvent, User, UserSite
from oms_desktop.model.workflow import SYSTEM, Actor, Role, StateMachine

__all__ = [name for name in dir() if not name.startswith("_")]

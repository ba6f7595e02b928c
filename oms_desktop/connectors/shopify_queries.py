"""The GraphQL documents the Shopify connector sends (Admin API, cursor pagination). Sizes are
variables so the connector can fit each query under Shopify's single-query cost limit."""

import json

LINE_FIELDS = """
  id sku title currentQuantity unfulfilledQuantity requiresShipping isGiftCard
  originalUnitPriceSet { shopMoney { amount } }
  totalDiscountSet { shopMoney { amount } }
"""

ORDER_BODY = """
  id name email createdAt updatedAt cancelledAt closed currencyCode
  displayFinancialStatus displayFulfillmentStatus note tags
  subtotalPriceSet { shopMoney { amount } }
  totalShippingPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount currencyCode } }
  customer { firstName lastName email }
  shippingAddress { name company address1 address2 city provinceCode zip countryCodeV2 phone }
  billingAddress { countryCodeV2 }
  shippingLine { title code }
"""

ORDER_FIELDS = """
fragment OrderFields on Order {""" + ORDER_BODY + """
  lineItems(first: $lineItems) {
    pageInfo { hasNextPage endCursor }
    nodes {""" + LINE_FIELDS + """}
  }
}
"""

ORDERS = """
query Orders($first: Int!, $after: String, $query: String, $lineItems: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...OrderFields } }
  }
}
""" + ORDER_FIELDS

ORDER_IDS = """
query OrderIds($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id updatedAt }
  }
}
"""

ORDER = """
query Order($id: ID!, $lineItems: Int!) { order(id: $id) { ...OrderFields } }
""" + ORDER_FIELDS

MORE_LINES = """
query MoreLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {""" + LINE_FIELDS + """}
    }
  }
}
"""

ORDERS_COUNT = """
query OrdersCount($query: String) { ordersCount(query: $query) { count } }
"""

SHOP = "query Shop { shop { name myshopifyDomain currencyCode } }"


def bulk_orders(search: str | None) -> str:
    """Every order matching `search` with all its line items, for bulkOperationRunQuery: no
    sizes (a bulk query walks every page) and no variables (the filter is written in)."""
    args = f"(query: {json.dumps(search)}, sortKey: UPDATED_AT)" if search else \
        "(sortKey: UPDATED_AT)"
    return ("{ orders" + args + " { edges { node {" + ORDER_BODY
            + " lineItems { edges { node {" + LINE_FIELDS + "} } } } } } }")


BULK_RUN = """
mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_POLL = """
query BulkPoll($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } }
}
"""

FO_LINE = "id remainingQuantity lineItem { id }"

FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!, $orders: Int!, $lines: Int!, $after: String) {
  order(id: $id) {
    fulfillmentOrders(first: $orders, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        id status
        lineItems(first: $lines) { pageInfo { hasNextPage endCursor } nodes { """ + FO_LINE + """ } }
      } }
    }
  }
}
"""

FULFILLMENT_ORDER_LINES = """
query FulfillmentOrderLines($id: ID!, $after: String, $lines: Int!, $linesAfter: String) {
  order(id: $id) {
    fulfillmentOrders(first: 1, after: $after) {
      nodes {
        lineItems(first: $lines, after: $linesAfter) {
          pageInfo { hasNextPage endCursor } nodes { """ + FO_LINE + """ }
        }
      }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""

VARIANTS = """
query Variants($first: Int!, $query: String, $location: ID!) {
  productVariants(first: $first, query: $query) {
    nodes {
      sku
      inventoryItem {
        id
        inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }
      }
    }
  }
}
"""

INVENTORY_SET = """
mutation InventorySet($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}
"""

REFUND_CREATE = """
mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } } }
    userErrors { field message }
  }
}
"""

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refund: false, restock: true,
              notifyCustomer: false, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { code field message }
  }
}
"""

VARIANT_FIELDS = """
  id sku title barcode price
  inventoryItem { requiresShipping measurement { weight { unit value } } }
"""

PRODUCTS = """
query Products($first: Int!, $after: String, $query: String, $variants: Int!) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title status productType updatedAt
      variants(first: $variants) {
        pageInfo { hasNextPage endCursor }
        nodes {""" + VARIANT_FIELDS + """}
      }
    }
  }
}
"""

MORE_VARIANTS = """
query MoreVariants($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {""" + VARIANT_FIELDS + """}
    }
  }
}
"""

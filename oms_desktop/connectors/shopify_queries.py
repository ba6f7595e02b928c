"""The GraphQL documents the Shopify connector sends (Admin API, cursor pagination)."""

ORDER_FIELDS = """
fragment OrderFields on Order {
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
  lineItems(first: $lineItems) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id sku title quantity
      originalUnitPriceSet { shopMoney { amount } }
      totalDiscountSet { shopMoney { amount } }
    }
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

ORDER = """
query Order($id: ID!, $lineItems: Int!) { order(id: $id) { ...OrderFields } }
""" + ORDER_FIELDS

MORE_LINES = """
query MoreLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id sku title quantity
        originalUnitPriceSet { shopMoney { amount } }
        totalDiscountSet { shopMoney { amount } }
      }
    }
  }
}
"""

SHOP = "query Shop { shop { name myshopifyDomain currencyCode } }"

FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 10) {
      nodes {
        id status
        lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } }
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

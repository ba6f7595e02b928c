"""Business customers: accounts, terms and prices (`accounts`), purchase orders by hand and by
file (`purchase_orders`), X12 in and out (`edi`), invoices, payments and aging (`invoices`)."""

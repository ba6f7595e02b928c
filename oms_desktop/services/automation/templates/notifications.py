"""The shipped e-mail templates per (kind, language): subject, plain text, HTML.

Placeholders (string.Template): $customer_name $order_number $shop_name $carrier
$tracking_number $tracking_link $pickup_location $pickup_code $rma_number $refund_amount
$currency. Values are HTML-escaped in the HTML part."""

from __future__ import annotations

PLACEHOLDERS = frozenset({
    "customer_name", "order_number", "shop_name", "carrier", "tracking_number",
    "tracking_link", "pickup_location", "pickup_code", "rma_number", "refund_amount",
    "currency",
})
FALLBACK_LANGUAGE = "en"


def _html(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!DOCTYPE html><html><body>{body}</body></html>"


def _entry(subject: str, *paragraphs: str, html: tuple[str, ...] | None = None):
    return subject, "\n\n".join(paragraphs) + "\n", _html(*(html or paragraphs))


DEFAULTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("order_confirmation", "en"): _entry(
        "Your order $order_number is confirmed", "Hello $customer_name,",
        "thank you for your order $order_number at $shop_name. We will let you know as soon"
        " as it ships.", "$shop_name"),
    ("order_confirmation", "de"): _entry(
        "Ihre Bestellung $order_number ist bestätigt", "Hallo $customer_name,",
        "vielen Dank für Ihre Bestellung $order_number bei $shop_name. Wir benachrichtigen"
        " Sie, sobald sie versandt wird.", "$shop_name"),
    ("order_confirmation", "fr"): _entry(
        "Votre commande $order_number est confirmée", "Bonjour $customer_name,",
        "merci pour votre commande $order_number chez $shop_name. Nous vous préviendrons dès"
        " son expédition.", "$shop_name"),
    ("shipped", "en"): _entry(
        "Your order $order_number has shipped", "Hello $customer_name,",
        "your order $order_number is on its way with $carrier. Tracking number:"
        " $tracking_number", "Track it here: $tracking_link", "$shop_name",
        html=("Hello $customer_name,", "your order $order_number is on its way with $carrier."
              " Tracking number: $tracking_number",
              '<a href="$tracking_link">Track your parcel</a>', "$shop_name")),
    ("shipped", "de"): _entry(
        "Ihre Bestellung $order_number wurde versandt", "Hallo $customer_name,",
        "Ihre Bestellung $order_number ist mit $carrier unterwegs. Sendungsnummer:"
        " $tracking_number", "Sendung verfolgen: $tracking_link", "$shop_name",
        html=("Hallo $customer_name,", "Ihre Bestellung $order_number ist mit $carrier"
              " unterwegs. Sendungsnummer: $tracking_number",
              '<a href="$tracking_link">Sendung verfolgen</a>', "$shop_name")),
    ("shipped", "fr"): _entry(
        "Votre commande $order_number a été expédiée", "Bonjour $customer_name,",
        "votre commande $order_number est en route avec $carrier. Numéro de suivi :"
        " $tracking_number", "Suivre le colis : $tracking_link", "$shop_name",
        html=("Bonjour $customer_name,", "votre commande $order_number est en route avec"
              " $carrier. Numéro de suivi : $tracking_number",
              '<a href="$tracking_link">Suivre le colis</a>', "$shop_name")),
    ("ready_for_pickup", "en"): _entry(
        "Your order $order_number is ready for pickup", "Hello $customer_name,",
        "your order $order_number is ready for pickup at $pickup_location. Please bring your"
        " pickup code: $pickup_code", "$shop_name"),
    ("ready_for_pickup", "de"): _entry(
        "Ihre Bestellung $order_number liegt zur Abholung bereit", "Hallo $customer_name,",
        "Ihre Bestellung $order_number liegt in $pickup_location zur Abholung bereit. Bitte"
        " bringen Sie Ihren Abholcode mit: $pickup_code", "$shop_name"),
    ("ready_for_pickup", "fr"): _entry(
        "Votre commande $order_number est prête à être retirée", "Bonjour $customer_name,",
        "votre commande $order_number vous attend à $pickup_location. Munissez-vous de votre"
        " code de retrait : $pickup_code", "$shop_name"),
    ("return_received", "en"): _entry(
        "We received your return $rma_number", "Hello $customer_name,",
        "we have received your return $rma_number for order $order_number and will check it"
        " shortly.", "$shop_name"),
    ("return_received", "de"): _entry(
        "Ihre Rücksendung $rma_number ist eingegangen", "Hallo $customer_name,",
        "wir haben Ihre Rücksendung $rma_number zur Bestellung $order_number erhalten und"
        " prüfen sie in Kürze.", "$shop_name"),
    ("return_received", "fr"): _entry(
        "Nous avons reçu votre retour $rma_number", "Bonjour $customer_name,",
        "nous avons bien reçu votre retour $rma_number pour la commande $order_number et"
        " allons le contrôler rapidement.", "$shop_name"),
    ("refund_issued", "en"): _entry(
        "Your refund for order $order_number", "Hello $customer_name,",
        "we have refunded $refund_amount $currency for your order $order_number.",
        "$shop_name"),
    ("refund_issued", "de"): _entry(
        "Ihre Erstattung zur Bestellung $order_number", "Hallo $customer_name,",
        "wir haben Ihnen $refund_amount $currency für Ihre Bestellung $order_number"
        " erstattet.", "$shop_name"),
    ("refund_issued", "fr"): _entry(
        "Votre remboursement pour la commande $order_number", "Bonjour $customer_name,",
        "nous vous avons remboursé $refund_amount $currency pour votre commande"
        " $order_number.", "$shop_name"),
}

TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={tracking}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={tracking}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={tracking}",
    "dpd": "https://tracking.dpd.de/status/en_US/parcel/{tracking}",
    "royalmail": "https://www.royalmail.com/track-your-item#/tracking-results/{tracking}",
}

CARRIER_NAMES = {"ups": "UPS", "fedex": "FedEx", "usps": "USPS", "dhl": "DHL", "dpd": "DPD",
                 "royalmail": "Royal Mail"}

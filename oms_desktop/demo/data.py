"""Pools the demo data set draws from: people, places, carriers and goods of several countries."""

from __future__ import annotations

# country: (first names, family names, [(city, region, postal pattern)], streets, family first)
# Postal patterns: '#' a digit, '@' a capital letter.
PEOPLE = {
    "US": (["James", "Maria", "Tyler", "Aaliyah", "José", "Emily", "Chen", "Grace", "Liam", "Zoë"],
           ["Smith", "García", "Johnson", "Nguyen", "O'Brien", "Williams", "Brown", "Rivera",
            "Kowalski", "Lee"],
           [("Brooklyn", "NY", "112##"), ("Austin", "TX", "787##"), ("Portland", "OR", "972##"),
            ("Denver", "CO", "802##"), ("Newark", "NJ", "071##"), ("Chicago", "IL", "606##")],
           ["Main Street", "Oak Avenue", "Maple Drive", "Sunset Boulevard", "Cedar Lane"], False),
    "CA": (["Émilie", "Noah", "Olivia", "François", "Ava", "Mathis"],
           ["Tremblay", "Roy", "Gagnon", "MacDonald", "Côté", "Wilson"],
           [("Montréal", "QC", "H#@ #@#"), ("Toronto", "ON", "M#@ #@#"),
            ("Vancouver", "BC", "V#@ #@#"), ("Québec", "QC", "G#@ #@#")],
           ["rue Sainte-Catherine", "Queen Street West", "Robson Street", "rue Saint-Jean"],
           False),
    "GB": (["Oliver", "Amelia", "Siobhán", "Harry", "Isla", "Rhys"],
           ["Jones", "Taylor", "Davies", "Ó Briain", "Evans", "Patel"],
           [("London", "Greater London", "SW1@ #@@"),
            ("Manchester", "Greater Manchester", "M# #@@"),
            ("Edinburgh", "Scotland", "EH# #@@"), ("Cardiff", "Wales", "CF## #@@")],
           ["High Street", "Station Road", "Church Lane", "Victoria Road"], False),
    "DE": (["Jürgen", "Lena", "Matthias", "Özlem", "Björn", "Anja"],
           ["Müller", "Schmidt", "Schäfer", "Weiß", "Köhler", "Groß"],
           [("München", "BY", "80###"), ("Köln", "NW", "50###"), ("Leipzig", "SN", "04###"),
            ("Düsseldorf", "NW", "40###"), ("Berlin", "BE", "10###")],
           ["Hauptstraße", "Schloßallee", "Gartenweg", "Bahnhofstraße", "Königstraße"], False),
    "FR": (["Éloïse", "Jérôme", "Chloé", "Anaïs", "Benoît", "Hélène"],
           ["Lefèvre", "Dubois", "Moreau", "Girard", "Faure", "Bérenger"],
           [("Paris", "Île-de-France", "750##"), ("Lyon", "Auvergne-Rhône-Alpes", "690##"),
            ("Nantes", "Pays de la Loire", "440##"), ("Marseille", "Provence", "130##")],
           ["rue de la Paix", "avenue des Champs-Élysées", "boulevard Saint-Michel",
            "place Bellecour"], False),
    "IN": (["Priya", "Arjun", "Ananya", "Rohan", "Saanvi", "Vikram"],
           ["Sharma", "Iyer", "Patel", "Reddy", "Banerjee", "Singh"],
           [("Mumbai", "MH", "400###"), ("Bengaluru", "KA", "560###"), ("Chennai", "TN", "600###"),
            ("New Delhi", "DL", "110###")],
           ["MG Road", "Linking Road", "Anna Salai", "Park Street"], False),
    "JP": (["太郎", "花子", "翔", "さくら", "健", "結衣"],
           ["山田", "佐藤", "鈴木", "高橋", "田中", "渡辺"],
           [("東京都渋谷区", "東京都", "150-####"), ("大阪市北区", "大阪府", "530-####"),
            ("京都市中京区", "京都府", "604-####"), ("札幌市中央区", "北海道", "060-####")],
           ["神南1-2-3", "梅田2-4-9", "河原町通4-1", "北1条西2-1"], True),
    "AU": (["Charlotte", "Jack", "Mia", "Lachlan", "Chloe", "Thomas"],
           ["Wilson", "Martin", "Anderson", "Nguyen", "Thompson", "White"],
           [("Sydney", "NSW", "20##"), ("Melbourne", "VIC", "30##"), ("Brisbane", "QLD", "40##")],
           ["George Street", "Collins Street", "Queen Street"], False),
    "NL": (["Daan", "Sanne", "Jeroen", "Fleur", "Sem", "Lotte"],
           ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit"],
           [("Amsterdam", "NH", "10## @@"), ("Utrecht", "UT", "35## @@"),
            ("Rotterdam", "ZH", "30## @@")],
           ["Prinsengracht", "Oudegracht", "Coolsingel", "Damrak"], False),
}

COMPANIES = ["Bergwerk GmbH", "Nordlicht Handel AG", "Maison Lumière SARL",
             "Pacific Outfitters Inc",
             "Kōyō Trading 株式会社", "Ganges Retail Pvt Ltd", "Maple Leaf Supply Co",
             "Thames Hardware Ltd", "Alpine Clubs e.V.", "Summit Schools District"]

TAX_RATE = {"US": 700, "CA": 1300, "GB": 2000, "DE": 1900, "FR": 2000, "IN": 1800,  # in 1/10,000
            "JP": 1000, "AU": 1000, "NL": 2100}

# country: [(carrier, service, tracking pattern)]
CARRIERS = {
    "US": [("UPS", "Ground", "1Z@@@###########"),
           ("USPS", "Priority Mail", "9400##################"),
           ("FedEx", "Home Delivery", "############")],
    "CA": [("Canada Post", "Expedited Parcel", "################")],
    "GB": [("Royal Mail", "Tracked 48", "@@#########GB"), ("DPD", "Next Day", "##############")],
    "DE": [("DHL", "Paket", "00340434##########")],
    "FR": [("Colissimo", "Domicile", "6A###########")],
    "IN": [("Delhivery", "Surface", "#############")],
    "JP": [("Yamato", "TA-Q-BIN", "####-####-####")],
    "AU": [("Australia Post", "Parcel Post", "@@@#########")],
    "NL": [("PostNL", "Standaard", "3S@@@#########")],
}

HOLD_NOTES = {
    "payment_pending": "Waiting for the bank transfer",
    "address_invalid": "Postal code does not match the city",
    "fraud_review": "Billing and shipping countries differ; high order value",
    "credit_limit": "Open invoices exceed the credit limit",
    "out_of_stock": "Not enough stock at any location",
    "manual": "Customer asked to hold until further notice",
}

TAGS = ["gift", "vip", "priority", "fragile", "repeat", "pre-order", "influencer", "bulky"]

# (brand prefix, category, nouns, price range in cents, weight range in grams)
GOODS = [
    ("AO", "Camping", ["Trail Mug", "Camp Stove", "Headlamp", "Tent Stake Set", "Sleeping Bag",
                       "Bivy Sack", "Water Filter", "Dry Bag", "Camp Chair", "Lantern"],
     (899, 24900), (40, 2400)),
    ("AO", "Apparel", ["Rain Jacket", "Fleece Pullover", "Merino Socks", "Sun Hat", "Hiking Pants",
                       "Base Layer", "Gaiters", "Gloves"], (1499, 29900), (60, 900)),
    ("HH", "Kitchen", ["Ceramic Bowl", "Chef Knife", "Cast Iron Pan", "Linen Napkin Set",
                       "Espresso Cup", "Cutting Board", "Teapot"], (599, 18900), (80, 3200)),
    ("HH", "Living", ["Wool Throw", "Scented Candle", "Cushion Cover", "Table Lamp", "Plant Pot",
                      "Picture Frame"], (999, 15900), (150, 2500)),
]
VARIANTS = ["Black", "Forest Green", "Sand", "Slate Blue", "Ember Red", "Natural", "Charcoal",
            "Ochre", "Ivory", "Plum", "Teal"]

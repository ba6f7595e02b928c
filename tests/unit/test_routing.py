from oms_desktop.policies import routing as r

NJ = r.Site(1, "WH-NJ", country="US", region="NJ")
CA = r.Site(2, "WH-CA", country="US", region="CA")
NY_STORE = r.Site(3, "STORE-NY", kind="store", country="US", region="NY", ships_from=False)
SITES = [NJ, CA, NY_STORE]
MUG = r.Need((1, 10), 10, 2, "MUG")
SPOON = r.Need((2, 20), 20, 3, "SPOON")


def request(*needs, **kw) -> r.Request:
    return r.Request(tuple(needs) or (MUG, SPOON), kw.pop("country", "US"),
                     kw.pop("region", "NY"), **kw)


def test_centroids_are_found_by_code_or_name_and_fall_back_to_the_country():
    assert r.centroid("US", "NJ") == r.centroid("us", "New Jersey")
    assert r.centroid("FR", "Nowhere") == r.centroid("FR")
    assert r.centroid(None) is None
    new_york_to_los_angeles = r.distance_km(r.centroid("US", "NY"), r.centroid("US", "CA"))
    assert 3500 < new_york_to_los_angeles < 4200


def test_the_nearest_site_that_can_fill_the_whole_order_wins():
    stock = {(1, 10): 5, (1, 20): 5, (2, 10): 5, (2, 20): 5}
    plan = r.route(request(), SITES, stock)
    assert [leg.site_code for leg in plan.legs] == ["WH-NJ"] and not plan.backorder
    west = r.route(request(region="WA"), SITES, stock)
    assert west.legs[0].site_code == "WH-CA"
    assert "can fill the whole order" in west.why and "km" in west.why


def test_one_site_with_everything_beats_a_nearer_site_with_part():
    stock = {(1, 10): 5, (2, 10): 5, (2, 20): 5}
    plan = r.route(request(), SITES, stock)
    assert [leg.site_code for leg in plan.legs] == ["WH-CA"]


def test_at_equal_distance_the_lower_priority_number_wins():
    a = r.Site(1, "A", country="US", region="NJ", priority=50)
    b = r.Site(2, "B", country="US", region="NJ", priority=10)
    stock = {(1, 10): 5, (2, 10): 5}
    assert r.route(request(MUG), [a, b], stock).legs[0].site_code == "B"


def test_zone_priorities_override_distance():
    far = r.Site(2, "WH-CA", country="US", region="CA", zones=("US-NY",))
    stock = {(1, 10): 5, (2, 10): 5}
    plan = r.route(request(MUG), [NJ, far], stock)
    assert plan.legs[0].site_code == "WH-CA" and "zone priority" in plan.why


def test_without_a_single_site_the_order_splits_over_the_fewest():
    stock = {(1, 10): 2, (2, 20): 3, (2, 10): 1}
    plan = r.route(request(), SITES, stock)
    assert plan.is_split and not plan.backorder
    assert {leg.site_code: [(n.sku, q) for n, q in leg.items] for leg in plan.legs} == {
        "WH-CA": [("MUG", 1), ("SPOON", 3)], "WH-NJ": [("MUG", 1)]}
    assert "split over 2" in plan.why


def test_what_no_site_has_is_backordered():
    plan = r.route(request(), SITES, {(1, 10): 1})
    assert [(n.sku, q) for n, q in plan.backorder] == [("MUG", 1), ("SPOON", 3)]
    assert "backordered: MUG x1, SPOON x3" in plan.why
    nothing = r.route(request(), SITES, {})
    assert nothing.legs == () and "no stock at any candidate" in nothing.why


def test_stores_ship_only_when_ship_from_store_is_on():
    stock = {(3, 10): 5}
    assert r.route(request(MUG), SITES, stock).legs == ()
    enabled = [NJ, CA, r.Site(3, "STORE-NY", kind="store", country="US", region="NY")]
    assert r.route(request(MUG), enabled, stock).legs[0].site_code == "STORE-NY"


def test_click_and_collect_uses_the_pickup_store_only():
    stock = {(1, 10): 5, (3, 10): 1}
    plan = r.route(request(r.Need((1, 10), 10, 2, "MUG"), pickup_site_id=3), SITES, stock)
    assert [leg.site_code for leg in plan.legs] == ["STORE-NY"]
    assert [(n.sku, q) for n, q in plan.backorder] == [("MUG", 1)]


def test_a_forced_location_and_the_channels_sites_limit_the_choice():
    stock = {(1, 10): 5, (2, 10): 5}
    assert r.route(request(MUG, forced_site_id=2), SITES, stock).legs[0].site_code == "WH-CA"
    limited = request(MUG, allowed_site_ids=frozenset({2}))
    assert r.route(limited, SITES, stock).legs[0].site_code == "WH-CA"


def test_a_product_needed_by_two_lines_is_not_counted_twice():
    kit_part = r.Need((5, 10), 10, 2, "MUG")
    stock = {(1, 10): 3, (2, 10): 4}
    plan = r.route(request(MUG, kit_part), [NJ, CA], stock)
    assert [leg.site_code for leg in plan.legs] == ["WH-CA"]

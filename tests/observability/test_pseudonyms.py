"""Keyed hashes for the case look-up's counts: stable, keyed, and by network for IPv6."""
from observability.pseudonyms import DEFAULT_KEY, client_pseudonym, is_pseudonym, network_address, pseudonym


def test_a_pseudonym_is_stable_keyed_and_namespaced():
    value = pseudonym("case", "LAB-2025-000123", "secret")
    assert is_pseudonym(value) and "000123" not in value
    assert value == pseudonym("case", "LAB-2025-000123", "secret")
    assert value != pseudonym("case", "LAB-2025-000123", "another secret")
    assert value != pseudonym("sender", "LAB-2025-000123", "secret")
    assert pseudonym("case", "LAB-2025-000123") == pseudonym("case", "LAB-2025-000123", DEFAULT_KEY)


def test_an_ipv6_client_is_counted_by_its_64_network():
    assert network_address("2001:db8:1:2:abcd::1") == "2001:db8:1:2::/64"
    assert client_pseudonym("ip", "2001:db8:1:2::1") == client_pseudonym("ip", "2001:db8:1:2:ffff::9")
    assert client_pseudonym("ip", "2001:db8:1:2::1") != client_pseudonym("ip", "2001:db8:1:3::1")
    assert client_pseudonym("ip", "::ffff:198.51.100.4") == client_pseudonym("ip", "198.51.100.4")
    assert client_pseudonym("ip", "198.51.100.4") != client_pseudonym("ip", "198.51.100.5")
    assert network_address("testclient") == "testclient"


def test_a_whatsapp_number_and_an_address_never_share_a_pseudonym():
    assert client_pseudonym("whatsapp", "212600000001") != client_pseudonym("ip", "212600000001")
    assert not is_pseudonym("203.0.113.7") and not is_pseudonym(None) and not is_pseudonym("F" * 64)

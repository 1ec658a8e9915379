"""The URL normaliser: one form per reported address, and a clear refusal for what is not one."""

import pytest

from childshield.hotline.urlnorm import InvalidUrl, NormalisedUrl, normalise_url

# (reported text, normalised URL, ASCII host, host for display)
NORMALISED = [
    # scheme and host case, missing scheme, whitespace
    ("http://example.com/", "http://example.com/", "example.com", "example.com"),
    ("HTTP://EXAMPLE.COM/Path", "http://example.com/Path", "example.com", "example.com"),
    ("example.com/a", "http://example.com/a", "example.com", "example.com"),
    ("  https://example.com/a  \n", "https://example.com/a", "example.com", "example.com"),
    ("//example.com/a", "http://example.com/a", "example.com", "example.com"),
    ("http:example.com", "http://example.com/", "example.com", "example.com"),
    ("https:///example.com/a", "https://example.com/a", "example.com", "example.com"),  # as browsers read it
    ("www.Example.org:8080/x", "http://www.example.org:8080/x", "www.example.org", "www.example.org"),
    ("localhost:8080", "http://localhost:8080/", "localhost", "localhost"),
    # empty path, trailing dot of the host, dot segments
    ("http://example.com", "http://example.com/", "example.com", "example.com"),
    ("http://example.com./a", "http://example.com/a", "example.com", "example.com"),
    ("http://example.com/a/./b/../c", "http://example.com/a/c", "example.com", "example.com"),
    ("http://example.com/../../a", "http://example.com/a", "example.com", "example.com"),
    ("http://example.com/a/b/..", "http://example.com/a/", "example.com", "example.com"),
    ("http://example.com\\a\\b", "http://example.com/a/b", "example.com", "example.com"),
    # default and other ports
    ("http://example.com:80/a", "http://example.com/a", "example.com", "example.com"),
    ("https://example.com:443/a", "https://example.com/a", "example.com", "example.com"),
    ("https://example.com:80/a", "https://example.com:80/a", "example.com", "example.com"),
    ("http://example.com:0080/", "http://example.com/", "example.com", "example.com"),
    ("http://example.com:/", "http://example.com/", "example.com", "example.com"),
    # fragments
    ("http://example.com/a#section-2", "http://example.com/a", "example.com", "example.com"),
    ("http://example.com/#!/gallery/7", "http://example.com/", "example.com", "example.com"),
    # tracking parameters dropped, the others sorted by name
    (
        "http://example.com/v?utm_source=fb&utm_medium=social&id=7",
        "http://example.com/v?id=7",
        "example.com",
        "example.com",
    ),
    (
        "http://example.com/v?fbclid=AbC&gclid=1&igshid=x&si=q",
        "http://example.com/v",
        "example.com",
        "example.com",
    ),
    (
        "http://example.com/v?b=2&mc_cid=1&a=1&mc_eid=2&ref_src=twsrc",
        "http://example.com/v?a=1&b=2",
        "example.com",
        "example.com",
    ),
    ("http://example.com/v?UTM_Campaign=x&v=1", "http://example.com/v?v=1", "example.com", "example.com"),
    (
        "http://example.com/v?tag=b&x=1&tag=a",
        "http://example.com/v?tag=b&tag=a&x=1",
        "example.com",
        "example.com",
    ),
    ("http://example.com/v?", "http://example.com/v", "example.com", "example.com"),
    ("http://example.com/v?a=1&&b", "http://example.com/v?a=1&b", "example.com", "example.com"),
    # percent-encoding
    ("http://example.com/%7euser/%2fa", "http://example.com/~user/%2Fa", "example.com", "example.com"),
    ("http://example.com/a%2db%41", "http://example.com/a-bA", "example.com", "example.com"),
    ("http://example.com/a b", "http://example.com/a%20b", "example.com", "example.com"),
    ("http://example.com/?q=%e2%82%ac", "http://example.com/?q=%E2%82%AC", "example.com", "example.com"),
    ("http://example.com/100%", "http://example.com/100%25", "example.com", "example.com"),
    ("http://ex%61mple.com/", "http://example.com/", "example.com", "example.com"),
    # IDNs: German, Vietnamese, Khmer; punycode in; mixed case; full-width forms
    ("http://bücher.example/", "http://xn--bcher-kva.example/", "xn--bcher-kva.example", "bücher.example"),
    ("http://BÜCHER.example/", "http://xn--bcher-kva.example/", "xn--bcher-kva.example", "bücher.example"),
    (
        "http://xn--bcher-kva.example/",
        "http://xn--bcher-kva.example/",
        "xn--bcher-kva.example",
        "bücher.example",
    ),
    (
        "https://XN--BCHER-KVA.Example:443",
        "https://xn--bcher-kva.example/",
        "xn--bcher-kva.example",
        "bücher.example",
    ),
    ("http://ví-dụ.vn/", "http://xn--v-d-rma6749a.vn/", "xn--v-d-rma6749a.vn", "ví-dụ.vn"),
    ("ví-dụ.vn/ảnh", "http://xn--v-d-rma6749a.vn/%E1%BA%A3nh", "xn--v-d-rma6749a.vn", "ví-dụ.vn"),
    ("http://VÍ-DỤ.VN/", "http://xn--v-d-rma6749a.vn/", "xn--v-d-rma6749a.vn", "ví-dụ.vn"),
    ("http://xn--v-d-rma6749a.vn/", "http://xn--v-d-rma6749a.vn/", "xn--v-d-rma6749a.vn", "ví-dụ.vn"),
    ("http://ខ្មែរ.com/", "http://xn--j2e0cg3n2c.com/", "xn--j2e0cg3n2c.com", "ខ្មែរ.com"),
    (
        "http://www.ខ្មែរ.com/ទំព័រ",
        "http://www.xn--j2e0cg3n2c.com/%E1%9E%91%E1%9F%86%E1%9E%96%E1%9F%90%E1%9E%9A",
        "www.xn--j2e0cg3n2c.com",
        "www.ខ្មែរ.com",
    ),
    (
        "http://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\u3002com/",
        "http://example.com/",
        "example.com",
        "example.com",
    ),
    # IP addresses
    ("http://192.0.2.10/a", "http://192.0.2.10/a", "192.0.2.10", "192.0.2.10"),
    ("http://[2001:DB8:0:0::1]/", "http://[2001:db8::1]/", "2001:db8::1", "2001:db8::1"),
    ("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x", "2001:db8::1", "2001:db8::1"),
    # user information dropped, so disguises do not survive
    ("http://user:secret@example.com/a", "http://example.com/a", "example.com", "example.com"),
    ("http://trusted.example@other.example/", "http://other.example/", "other.example", "other.example"),
    # defanged addresses from partner hotlines
    ("hxxps://evil[.]example/x", "https://evil.example/x", "evil.example", "evil.example"),
    # underscores occur in real host names
    (
        "http://my_site.example.com/",
        "http://my_site.example.com/",
        "my_site.example.com",
        "my_site.example.com",
    ),
]

# (reported text, reason)
INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("http://", "no_host"),
    ("http://:8080/", "no_host"),
    ("http://exa mple.com", "bad_host"),
    ("http://exa\u00a0mple.com/", "bad_host"),
    ("http://a..b/", "bad_host"),
    ("http://-start.example/", "bad_host"),
    ("http://ex!ample.com/", "bad_host"),
    ("http://" + "a" * 64 + ".com/", "label_too_long"),
    ("http://" + ".".join(["a" * 60] * 5) + "/", "host_too_long"),
    ("http://xn--a.com/", "invalid_idna"),
    ("http://xn--zzzzzz.com/", "invalid_idna"),
    ("http://☃-⌘.com/", "invalid_idna"),
    ("http://\u0300a.com/", "invalid_idna"),
    ("javascript:alert(1)", "unsupported_scheme"),
    ("data:text/html,<b>x</b>", "unsupported_scheme"),
    ("file:///etc/passwd", "unsupported_scheme"),
    ("ftp://example.com/a", "unsupported_scheme"),
    ("mailto:someone@example.com", "unsupported_scheme"),
    ("http://example.com:99999/", "bad_port"),
    ("http://example.com:8o/", "bad_port"),
    ("http://192.168.000.1/", "bad_ip"),
    ("http://1.2.3/", "bad_ip"),
    ("http://[2001:db8::zz]/", "unparsable"),
    ("http://[fe80::1%25eth0]/", "bad_ip"),
    ("http://[2001:db8::1/", "unparsable"),
    ("http://example.com/\x00", "control_characters"),
    ("http://example.com/" + "a" * 8000, "too_long"),
]


@pytest.mark.parametrize(("raw", "url", "host", "display_host"), NORMALISED)
def test_it_normalises(raw: str, url: str, host: str, display_host: str) -> None:
    assert normalise_url(raw) == NormalisedUrl(url=url, host=host, display_host=display_host)


@pytest.mark.parametrize(("raw", "url", "host", "display_host"), NORMALISED)
def test_normal_form_is_stable(raw: str, url: str, host: str, display_host: str) -> None:
    assert normalise_url(url).url == url


@pytest.mark.parametrize(("raw", "reason"), INVALID)
def test_it_refuses_what_is_not_a_web_address(raw: str, reason: str) -> None:
    with pytest.raises(InvalidUrl) as caught:
        normalise_url(raw)
    assert caught.value.reason == reason
    assert caught.value.code == "invalid_url"
    assert str(caught.value.message)


def test_the_table_is_large_enough() -> None:
    assert len(NORMALISED) + len(INVALID) >= 40


def test_the_same_content_reported_differently_is_one_url() -> None:
    spellings = [
        "HTTPS://Ví-Dụ.vn:443/anh/./1?utm_source=zalo&b=2&a=1#top",
        "https://xn--v-d-rma6749a.vn/anh/1?a=1&fbclid=x&b=2",
        "  https://ví-dụ.vn./anh/%31?b=2&a=1  ",
    ]
    assert len({normalise_url(text).url for text in spellings}) == 1

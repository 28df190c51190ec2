// etl::Redactor (etlhost/redact.h): every form an echo of a key takes is caught, checked
// with the independent finder etltest::revealed_run, and ordinary text passes untouched.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "etlhost/redact.h"
#include "secret_leaks.h"

namespace {

// A FullStory-shaped key (46 characters, with '/' and '+', which encoders change).
const std::string kKey = "na1.dGVzdC1rZXktbm90LXJlYWw/Zq8r2Vx+Lp4mW7sQ0c";

etl::Redactor key_redactor() {
  etl::Redactor redactor("the API key");
  redactor.add(kKey);
  return redactor;
}

// `text` with each byte of `chars` as `prefix` and two hex digits, '/' as `slash` when given.
std::string escaped(const std::string& text, const std::string& prefix, const std::string& chars,
                    const std::string& slash = "") {
  static const std::string kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' && !slash.empty()) {
      out += slash;
    } else if (chars.find(c) != std::string::npos) {
      out += prefix + kHex[byte >> 4] + kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_escaped(const std::string& text) { return escaped(text, "\\u00", ".+", "\\/"); }
std::string url_encoded(const std::string& text) { return escaped(text, "%", "/+. "); }

// `text` as a server error body: padded on both sides with ordinary words.
std::string in_body(const std::string& text) {
  return R"({"error":"upstream said no","detail":")" + text + R"(","see":"https://example.com/help"})";
}

}  // namespace

TEST_CASE("a verbatim key becomes the marker and the rest of the text stays") {
  const etl::Redacted out = key_redactor().redact("x" + kKey + "x and again " + kKey, "the body");
  CHECK_FALSE(out.withheld);
  CHECK(out.text == "x***x and again ***");
}

TEST_CASE("a JSON-escaped echo of the key is withheld whole, once or twice escaped") {
  const etl::Redactor redactor = key_redactor();
  const std::string once = json_escaped("Basic " + kKey);
  std::string twice;
  for (const char c : once) twice += c == '\\' ? std::string("\\\\") : std::string(1, c);
  for (const std::string& echo : {once, twice}) {
    CAPTURE(echo);
    REQUIRE(!etltest::revealed_run(echo, kKey).empty());  // the finder sees it
    REQUIRE(echo.find(kKey) == std::string::npos);        // and it is not verbatim
    const etl::Redacted out = redactor.redact(in_body(echo), "the body");
    CHECK(out.withheld);
    CHECK(etltest::revealed_run(out.text, kKey).empty());
  }
}

TEST_CASE("a URL-encoded echo of the key is withheld, plain or inside JSON") {
  const etl::Redactor redactor = key_redactor();
  const std::string encoded = url_encoded("Basic " + kKey);
  std::string in_json;  // '/' left alone by the URL encoder, then escaped by a JSON one
  for (const char c : url_encoded(kKey)) in_json += c;
  const size_t slash = in_json.find("%2F");
  in_json.replace(slash, 3, "\\/");
  for (const std::string& echo : {encoded, "a=" + encoded + "&b=c", in_json}) {
    CAPTURE(echo);
    CHECK(redactor.redact(in_body(echo)).withheld);
  }
}

TEST_CASE("base64 of the key is withheld at every byte alignment: KEY, KEY:, u:KEY, us:KEY") {
  const etl::Redactor redactor = key_redactor();
  for (const std::string& credentials : {kKey, kKey + ":", "u:" + kKey, "us:" + kKey, "user:" + kKey + ":x"}) {
    CAPTURE(credentials);
    const std::string echo = "Authorization: Basic " + etltest::base64(credentials);
    REQUIRE(echo.find(kKey) == std::string::npos);
    CHECK(redactor.redact(in_body(echo)).withheld);
    // base64url, as tokens and URLs spell it
    std::string url_safe = echo;
    for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
    CHECK(redactor.redact(url_safe).withheld);
  }
}

TEST_CASE("any 12-byte run of the key is caught in every form, 11 bytes are let through") {
  const etl::Redactor redactor = key_redactor();
  for (size_t at = 0; at + etl::kSecretRunLength <= kKey.size(); ++at) {
    const std::string run = kKey.substr(at, etl::kSecretRunLength);
    CAPTURE(run);
    for (const std::string& echo : {run, json_escaped(run), url_encoded(run), in_body(run) + " trailing"}) {
      CHECK(redactor.reveals(echo));
      CHECK(redactor.redact(echo).withheld);
    }
    const std::string shorter = run.substr(0, etl::kSecretRunLength - 1);
    CHECK_FALSE(redactor.reveals("<" + shorter + ">"));
    CHECK(redactor.redact("<" + shorter + ">").text == "<" + shorter + ">");
  }
}

TEST_CASE("excerpt checks the whole text before it cuts: a key across the cut is never cut through") {
  const etl::Redactor redactor = key_redactor();
  const std::string lead(300 - 40, '.');
  // Verbatim: replaced first, so the cut falls after the marker.
  const etl::Redacted verbatim = redactor.excerpt(lead + kKey + " and more text after it", 300, "the body");
  CHECK_FALSE(verbatim.withheld);
  CHECK(verbatim.text == lead + "*** and more text after it");
  // In another form: the whole text is checked, then withheld.
  const std::string escaped = lead + json_escaped(kKey) + " and more";
  const etl::Redacted withheld = redactor.excerpt(escaped, 300, "the body");
  CHECK(withheld.withheld);
  CHECK(withheld.text == "the body (" + std::to_string(escaped.size()) +
                             " bytes) was withheld: it holds part of the API key (verbatim, escaped, encoded or cut "
                             "short)");
  // A key cut off by someone else before it got here: what is left is still a run.
  CHECK(redactor.redact((lead + kKey).substr(0, 300)).withheld);
}

TEST_CASE("excerpt cuts neither a marker nor a UTF-8 sequence, and keeps short text whole") {
  const etl::Redactor redactor = key_redactor();
  const std::string text = std::string(8, 'a') + kKey + "tail";  // aaaaaaaa***tail
  CHECK(redactor.excerpt(text, 9).text == "aaaaaaaa");
  CHECK(redactor.excerpt(text, 10).text == "aaaaaaaa");
  CHECK(redactor.excerpt(text, 11).text == "aaaaaaaa***");
  CHECK(redactor.excerpt("h\xc3\xa9llo", 2).text == "h");
  CHECK(redactor.excerpt("short", 300).text == "short");
  CHECK_FALSE(redactor.excerpt("short", 300).withheld);
}

TEST_CASE("ordinary text passes untouched, also with escapes, percent signs and base64 in it") {
  const etl::Redactor redactor = key_redactor();
  std::string big;
  while (big.size() < 4096) {
    big += R"(the quick brown fox \/ jumps over 100% of the lazy dogs; \u00e9t\u00e9 \"quoted\" )";
    big += etltest::base64("another key entirely, not ours: na1.zzzzzzzzzzzzzzzzzzzzzzzz") + " %41%42 ";
  }
  const etl::Redacted out = redactor.redact(big);
  CHECK_FALSE(out.withheld);
  CHECK(out.text == big);
  CHECK(etl::Redactor().redact(big).text == big);  // no secret at all
}

TEST_CASE("several secrets: each is replaced, the longest first, and each is caught in any form") {
  etl::Redactor redactor;
  const std::string token = "tok-8c1f-secret-0042";
  redactor.add(token);
  redactor.add(token + "-extended");
  redactor.add("");  // ignored: would match everywhere
  CHECK(redactor.redact("a " + token + "-extended b " + token).text == "a *** b ***");
  const std::string encoded = etltest::base64("user:" + token);
  CHECK(redactor.redact(encoded).withheld);
  CHECK(redactor.redact(encoded).text == "the text (" + std::to_string(encoded.size()) +
                                             " bytes) was withheld: it holds part of a secret (verbatim, escaped, "
                                             "encoded or cut short)");
}

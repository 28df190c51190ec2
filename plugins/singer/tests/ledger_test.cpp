// The ack matching of the managed target (state_ledger.h), on its own.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "state_ledger.h"

using nlohmann::json;
using singer::StateLedger;

TEST_CASE("ledger: a re-serialized value acknowledges the newest equal STATE and every one before it") {
  StateLedger ledger;
  ledger.wrote(R"({"a":1,"b":[1,2]})");
  ledger.wrote(R"({"a":2,"b":[1,2]})");
  ledger.wrote(R"({"a":2,"b":[1,2]})");  // the same value twice: the newer one counts
  ledger.wrote(R"({"a":3,"b":[1,2]})");
  CHECK(ledger.acknowledged() == 0);
  // Other key order, other number format: the same JSON value.
  CHECK(ledger.heard(json::parse(R"({"b": [1.0, 2.0], "a": 2.0})")) == StateLedger::Heard::kAdvanced);
  CHECK(ledger.acknowledged() == 3);
  CHECK(ledger.written() == 4);
}

TEST_CASE("ledger: a value that matches nothing written advances nothing") {
  StateLedger ledger;
  ledger.wrote(R"({"a":1})");
  CHECK(ledger.heard(json::parse(R"({"a":7})")) == StateLedger::Heard::kUnknown);
  CHECK(ledger.acknowledged() == 0);
  CHECK(ledger.heard(json::parse(R"({"a":1})")) == StateLedger::Heard::kAdvanced);
  CHECK(ledger.heard(json::parse(R"({"a":1})")) == StateLedger::Heard::kRepeated);  // a target's re-emission
  CHECK(ledger.acknowledged() == 1);
}

TEST_CASE("ledger: an older value after a newer acknowledgement never moves it back") {
  StateLedger ledger;
  ledger.wrote(R"({"a":1})");
  ledger.wrote(R"({"a":2})");
  CHECK(ledger.heard(json::parse(R"({"a":2})")) == StateLedger::Heard::kAdvanced);
  CHECK(ledger.heard(json::parse(R"({"a":1})")) == StateLedger::Heard::kUnknown);
  CHECK(ledger.acknowledged() == 2);
}

TEST_CASE("ledger: a STATE that is not JSON is refused") {
  StateLedger ledger;
  CHECK_THROWS(ledger.wrote("{not json"));
  CHECK(ledger.written() == 0);
}

// What the demo source must emit for row `id` of each stream, written from the demo's
// documented formulas (plugins/demo/demo_source.c) independently of its code, so the
// end-to-end tests can check every value that reaches a sink.
#pragma once

#include <cstdint>
#include <string>

namespace e2e {

/// The customers row `id` (1-based) as compact JSON text.
std::string demo_customer(int64_t id);
/// The orders row `id` (1-based) as compact JSON text.
std::string demo_order(int64_t id);

}  // namespace e2e

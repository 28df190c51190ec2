// The C++ layer offers a sink's reset (etl_sink_api.reset) only when the class declares
// its own reset(): NULL otherwise, which plugin.h defines as "cannot reset", so the host
// refuses --full-refresh before it commits an empty state.
#include <doctest/doctest.h>

#include "etlhost/plugin.hpp"

namespace {

class Plain : public etl::Sink {
 public:
  void write(const etl::Messages&) override {}
  void flush() override {}
};

class Resettable : public Plain {
 public:
  void reset() override { ++resets; }
  int resets = 0;
};

class DerivedFromResettable : public Resettable {};

}  // namespace

TEST_CASE("sink reset: NULL without an override, the callback with one (also inherited from a base)") {
  static_assert(etl::detail::sink_reset_callback<Plain>() == nullptr);
  static_assert(etl::detail::sink_reset_callback<Resettable>() == &etl::detail::SinkCallbacks<Resettable>::reset);
  static_assert(etl::detail::sink_reset_callback<DerivedFromResettable>() ==
                &etl::detail::SinkCallbacks<DerivedFromResettable>::reset);
  Resettable sink;
  etl_error err{};
  CHECK(etl::detail::sink_reset_callback<Resettable>()(&sink, &err) == ETL_OK);
  CHECK(sink.resets == 1);
}

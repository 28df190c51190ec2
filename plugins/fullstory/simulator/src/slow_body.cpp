#include "slow_body.h"

#include <algorithm>
#include <chrono>

#include "http_responses.h"

namespace fssim {

namespace {

// Ten slices a second: smooth enough to defeat an idle timeout of a second.
constexpr unsigned kSlicesPerSecond = 10;

// Forwards bytes at a fixed rate, flushing each slice onto the wire.
class TricklingSink final : public ByteSink {
 public:
  TricklingSink(OstreamSink& next, unsigned bytes_per_second, ShutdownSignal& shutdown)
      : next_(next),
        slice_bytes_(std::max(1u, bytes_per_second / kSlicesPerSecond)),
        pause_(std::chrono::milliseconds(1000) * slice_bytes_ / bytes_per_second),
        shutdown_(shutdown) {}

  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const std::string_view slice = bytes.substr(0, slice_bytes_);
      next_.write(slice);
      next_.flush();
      bytes.remove_prefix(slice.size());
      if (shutdown_.wait_for(pause_)) throw SinkClosed("the simulator is shutting down");
    }
  }

 private:
  OstreamSink& next_;
  std::size_t slice_bytes_;
  std::chrono::milliseconds pause_;
  ShutdownSignal& shutdown_;
};

}  // namespace

void send_response(Exchange& exchange, const SimContext& context, const PlannedResponse& planned) {
  const unsigned rate = context.options.slow_body_bytes_per_second;
  if (rate == 0) return send_planned(exchange, planned);
  OstreamSink body = start_chunked_body(exchange, planned);
  TricklingSink slow(body, rate, context.shutdown);
  planned.wire(slow);
}

}  // namespace fssim

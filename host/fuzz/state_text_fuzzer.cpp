// The state file's text (an envelope, or a plain Singer state) on any bytes. Only
// HostError(exit 7) may come out. Property: whatever a run reads, it can commit and read back
// byte for byte: the source state and the sink checkpoint survive make_state_envelope and
// parse_state_text unchanged.
#include "exit_codes.h"
#include "fuzz_check.h"
#include "host_error.h"
#include "logger.h"
#include "state_store.h"

namespace {

using namespace etlhost;

constexpr const char* kPath = "fuzz.state";
constexpr const char* kSource = "fullstory";
constexpr const char* kSink = "csv";

std::optional<StoredState> parse(std::string_view text, Logger& logger) {
  try {
    return parse_state_text(text, kPath, kSource, kSink, logger);
  } catch (const HostError& error) {
    fuzz::check(error.exit_code() == exit_code::kStateFile, "a refused state file is exit 7");
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Logger logger(LogLevel::kError, [](std::string_view) {});
  const auto stored = parse(fuzz::text_of(data, size), logger);
  if (!stored) return 0;
  const std::string committed = make_state_envelope(kSource, stored->source_state, kSink, stored->sink_checkpoint,
                                                    "2026-12-01T00:00:00.000Z");
  const auto again = parse(committed, logger);
  fuzz::check(again.has_value(), "a state that was read can be committed and read again");
  fuzz::check(again->format == StoredState::Format::kEnvelope, "a committed state is an envelope");
  fuzz::check(again->source_state == stored->source_state, "the source state survives a commit byte for byte");
  fuzz::check(again->sink_checkpoint == stored->sink_checkpoint, "the sink checkpoint survives a commit byte for byte");
  return 0;
}

// singer: writes SCHEMA, RECORD and STATE as Singer spec messages, one JSON object per
// line, to a Singer target.
//
// Managed target (config key `target`): the sink runs the target itself and a STATE counts
// as durable only once the target emitted it back (ABI 1.1 acknowledged()): what the
// target loaded is what etlhost commits, and a failed target fails the run (exit 9).
//
// stdout (no `target`, `etlhost run SRC to singer | target-x`): the sink cannot see the
// target's answer, so it acknowledges nothing (the host then never advances --state) and
// says once where the state to keep is. `commit_when_written` brings back etlhost 1.0's
// rule, for readers that cannot lose data (a file): flush() is the acknowledgement.
//
// Output that left the process cannot be taken back, so this sink keeps no checkpoint:
// across a crash, delivery is at-least-once and Singer targets de-duplicate by
// key_properties as usual.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "etlhost/plugin.hpp"
#include "fd_writer.h"
#include "managed_target.h"
#include "singer_lines.h"
#include "sink_config.h"

namespace singer {
namespace {

constexpr const char* kStdoutNotice =
    "writing to stdout: etlhost cannot see what the Singer target reading it has loaded, so this run never advances "
    "--state (it is read, not rewritten). The state to keep is the value of the last STATE line your target "
    "printed: save it to a file and pass that as --state next time. Or let etlhost run the target and commit what "
    "it acknowledges: --target 'target-x --config target.json'. For a file you trust: --set "
    "singer.commit_when_written=true.";

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SingerSink final : public etl::Sink {
 public:
  SingerSink(const etl::Host& host, const etl::Config& config) : host_(host), config_(SinkConfig::from(config)) {
    if (!config_.target.empty()) {
      target_ = std::make_unique<ManagedTarget>(host, config_.target, config_.target_state_file);
    } else {
      stdout_.emplace(STDOUT_FILENO, "stdout");
    }
  }

  void write(const etl::Messages& batch) override {
    if (target_) {
      target_->deliver([&](FdWriter& out) { write_lines(batch, out); });
    } else {
      write_lines(batch, *stdout_);
    }
  }

  void flush() override {
    if (target_) {
      target_->flush();
    } else {
      stdout_->flush();
    }
  }

  // Nothing that left the process can be taken back; what is still buffered is dropped so
  // a failed run sends nothing past its last flush.
  void restore(std::string_view) override {
    if (target_) {
      target_->discard();
    } else {
      stdout_->discard();
    }
  }

  std::optional<uint64_t> acknowledged() override {
    if (target_) return target_->acknowledged();
    if (config_.commit_when_written) return std::nullopt;
    return 0;
  }

  void finish(bool aborted) override {
    if (target_) target_->finish(aborted);
  }

  // --full-refresh: what was delivered cannot be taken back (plugin.h, etl_sink_api.reset),
  // so the refresh is the source's start over plus what the downstream must do. No
  // identity(): a stream on stdout or to a target names no place this sink could check.
  void reset() override {
    host_.warn("full refresh: the singer sink cannot take back what it delivered; the source starts over, so the "
               "target receives every record again: clear its tables first, or rely on key_properties to replace "
               "rows");
  }

 private:
  void write_lines(const etl::Messages& batch, FdWriter& out) {
    const int64_t batch_time_ms = now_ms();  // stamps records whose source did not
    for (const etl::Message message : batch) {
      switch (message.kind) {
        case ETL_MSG_RECORD:
          out.append(records_.prefix(message.stream));
          out.append(message.json);
          out.append(records_.suffix(message.time_extracted_ms != 0 ? message.time_extracted_ms : batch_time_ms));
          break;
        case ETL_MSG_SCHEMA: out.append(schema_line(message.stream, message.json)); break;
        case ETL_MSG_STATE:
          note_state(message.json);
          out.append(state_line(message.json));
          break;
        default: throw etl::Error(ETL_E_INVALID_DATA, "unknown message kind " + std::to_string(message.kind));
      }
    }
  }

  void note_state(std::string_view value_json) {
    if (target_) return target_->sending_state(value_json);
    if (!config_.commit_when_written && !stdout_notice_given_) {
      stdout_notice_given_ = true;
      host_.info(kStdoutNotice);
    }
  }

  etl::Host host_;
  SinkConfig config_;
  std::unique_ptr<ManagedTarget> target_;  // with `target`
  std::optional<FdWriter> stdout_;         // without
  RecordLines records_;
  bool stdout_notice_given_ = false;
};

}  // namespace
}  // namespace singer

ETL_DEFINE_SINK_PLUGIN(singer::SingerSink, "singer", "1.1.0",
                       "Writes Singer spec messages (SCHEMA, RECORD, STATE) to a Singer target it runs (target) or to "
                       "stdout.",
                       singer::kSinkConfig)

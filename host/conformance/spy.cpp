#include "conformance/spy.h"

#include <signal.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "conformance/child.h"

namespace etlhost::conformance {

namespace {

std::shared_ptr<const LoadedPlugin> g_real;
const etl_source_api* g_source = nullptr;
const etl_sink_api* g_sink = nullptr;
double g_timeout_s = 60;
SpyLog g_log;
int g_kill_after_flush = 0;
std::optional<uint64_t> g_final_acknowledged;  // the first answer after finish()
etl_source_api g_spy_source{};
etl_sink_api g_spy_sink{};
etl_plugin g_spy_descriptor{};

etl_status source_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  CallScope scope("source.create()", g_timeout_s);
  return g_source->create(host, config, out_self, err);
}
etl_status source_discover(void* self, const etl_emitter* emitter, etl_error* err) {
  CallScope scope("source.discover()", g_timeout_s);
  return g_source->discover(self, emitter, err);
}
etl_status source_sync(void* self, etl_str catalog, etl_str state, const etl_emitter* emitter, etl_error* err) {
  CallScope scope("source.sync()", g_timeout_s);
  return g_source->sync(self, catalog, state, emitter, err);
}
void source_destroy(void* self) {
  CallScope scope("source.destroy()", g_timeout_s);
  g_source->destroy(self);
}

etl_status sink_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  CallScope scope("sink.create()", g_timeout_s);
  ++g_log.creates;
  return g_sink->create(host, config, out_self, err);
}
etl_status sink_restore(void* self, etl_str checkpoint, etl_error* err) {
  CallScope scope("sink.restore()", g_timeout_s);
  ++g_log.restores;
  return g_sink->restore(self, checkpoint, err);
}
etl_status sink_write(void* self, const etl_message* const* messages, size_t count, etl_error* err) {
  CallScope scope("sink.write()", g_timeout_s);
  ++g_log.writes;
  if (g_log.finishes > 0) g_log.ack_problems.emplace_back("the host called write() after finish()");
  const etl_status status = g_sink->write(self, messages, count, err);
  for (size_t i = 0; status == ETL_OK && i < count; ++i) {
    if (messages[i]->kind == ETL_MSG_STATE) ++g_log.states_written;
  }
  return status;
}
etl_status sink_checkpoint(void* self, etl_str* out, etl_error* err) {
  CallScope scope("sink.checkpoint()", g_timeout_s);
  ++g_log.checkpoints;
  return g_sink->checkpoint(self, out, err);
}
etl_status sink_flush(void* self, etl_error* err) {
  CallScope scope("sink.flush()", g_timeout_s);
  ++g_log.flushes;
  const etl_status status = g_sink->flush(self, err);
  g_log.last_flush = status;
  if (status != ETL_OK) ++g_log.failed_flushes;
  if (status == ETL_OK && g_kill_after_flush > 0 && g_log.flushes - g_log.failed_flushes == g_kill_after_flush) {
    ::kill(::getpid(), SIGKILL);
  }
  return status;
}
// Checks each answer against the promises of etl_sink_api.acknowledged (plugin.h): never
// decreases, never exceeds the STATEs written, final once finish() returned.
void note_acknowledged(uint64_t states) {
  const std::string answer = "acknowledged() reported " + std::to_string(states);
  if (g_log.acknowledges && states < g_log.acknowledged) {
    g_log.ack_problems.push_back(answer + " after " + std::to_string(g_log.acknowledged) + ": it decreased");
  }
  if (states > g_log.states_written) {
    g_log.ack_problems.push_back(answer + " when " + std::to_string(g_log.states_written) + " STATEs were written");
  }
  if (g_final_acknowledged && states != *g_final_acknowledged) {
    g_log.ack_problems.push_back(answer + " after finish() had returned with " + std::to_string(*g_final_acknowledged) +
                                 ": it must be final by then");
  }
  g_log.acknowledges = true;
  g_log.acknowledged = states;
}
etl_status sink_acknowledged(void* self, uint64_t* out_states, etl_error* err) {
  CallScope scope("sink.acknowledged()", g_timeout_s);
  const etl_status status = g_real->sink_acknowledged()(self, out_states, err);
  if (status == ETL_OK) note_acknowledged(*out_states);
  return status;
}
etl_status sink_finish(void* self, uint32_t flags, etl_error* err) {
  CallScope scope("sink.finish()", g_timeout_s);
  if (++g_log.finishes > 1) g_log.ack_problems.emplace_back("the host called finish() twice");
  const etl_status status = g_real->sink_finish()(self, flags, err);
  g_log.last_finish = status;
  if (g_real->sink_acknowledged() == nullptr) return status;
  // The spy's own question right after finish(): every later answer must be the same.
  uint64_t states = 0;
  etl_error ignored{};
  ignored.struct_size = ETL_STRUCT_SIZE(etl_error);
  if (sink_acknowledged(self, &states, &ignored) == ETL_OK) g_final_acknowledged = states;
  return status;
}
void sink_destroy(void* self) {
  CallScope scope("sink.destroy()", g_timeout_s);
  ++g_log.destroys;
  g_sink->destroy(self);
}

}  // namespace

std::shared_ptr<LoadedPlugin> spy_on(std::shared_ptr<const LoadedPlugin> real, double timeout_s) {
  g_real = std::move(real);
  g_timeout_s = timeout_s;
  g_log = SpyLog{};
  g_final_acknowledged.reset();
  const etl_plugin* d = g_real->descriptor();
  g_spy_descriptor = etl_plugin{};
  g_spy_descriptor.struct_size = ETL_STRUCT_SIZE(etl_plugin);
  g_spy_descriptor.abi_version = d->abi_version;
  g_spy_descriptor.kind = d->kind;
  g_spy_descriptor.name = d->name;
  g_spy_descriptor.version = d->version;
  g_spy_descriptor.description = d->description;
  g_spy_descriptor.config_fields = d->config_fields;
  g_spy_descriptor.config_field_count = d->config_field_count;
  if (g_real->source_api() != nullptr) {
    g_source = g_real->source_api();
    g_spy_source = etl_source_api{ETL_STRUCT_SIZE(etl_source_api),
                                  &source_create,
                                  g_source->discover != nullptr ? &source_discover : nullptr,
                                  &source_sync,
                                  &source_destroy,
                                  nullptr,
                                  nullptr,
                                  nullptr};  // 1.2: not spied (yet)
    g_spy_descriptor.source = &g_spy_source;
  } else {
    g_sink = g_real->sink_api();
    g_spy_sink = etl_sink_api{ETL_STRUCT_SIZE(etl_sink_api),
                              &sink_create,
                              g_sink->restore != nullptr ? &sink_restore : nullptr,
                              &sink_write,
                              g_sink->checkpoint != nullptr ? &sink_checkpoint : nullptr,
                              &sink_flush,
                              &sink_destroy,
                              g_real->sink_acknowledged() != nullptr ? &sink_acknowledged : nullptr,
                              g_real->sink_finish() != nullptr ? &sink_finish : nullptr,
                              nullptr,   // 1.2 identity: not spied (yet)
                              nullptr};  // 1.2 reset: not spied (yet)
    g_spy_descriptor.sink = &g_spy_sink;
  }
  return LoadedPlugin::from_descriptor(&g_spy_descriptor, g_real->path());
}

const SpyLog& spy_log() { return g_log; }

void kill_after_flush(int flush_number) { g_kill_after_flush = flush_number; }

}  // namespace etlhost::conformance

/*
 * null: a sink that accepts everything and keeps nothing.
 *
 * For measuring a source alone (`etlhost run fullstory to null`): it is the floor of the
 * sink benchmarks, the cost of the host and the source with no output at all. It checks
 * message kinds, so a host bug that sent garbage would still fail loudly.
 */
#include <stdio.h>
#include <string.h>

#include "etlhost/plugin.h"

typedef struct null_sink {
  unsigned long long records;
} null_sink;

static etl_status null_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  static null_sink instance; /* no state worth allocating; one instance per process is enough */
  (void)host;
  (void)config;
  (void)err;
  instance.records = 0;
  *out_self = &instance;
  return ETL_OK;
}

static etl_status null_write(void* self, const etl_message* const* messages, size_t count, etl_error* err) {
  null_sink* sink = (null_sink*)self;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t kind = messages[i]->kind;
    if (kind == ETL_MSG_RECORD) {
      sink->records++;
    } else if (kind != ETL_MSG_SCHEMA && kind != ETL_MSG_STATE) {
      if (err != NULL) {
        err->code = ETL_E_INVALID_DATA;
        snprintf(err->message, ETL_ERROR_MESSAGE_CAPACITY, "null sink: unknown message kind %u", (unsigned)kind);
      }
      return ETL_E_INVALID_DATA;
    }
  }
  return ETL_OK;
}

static etl_status null_flush(void* self, etl_error* err) {
  (void)self;
  (void)err;
  return ETL_OK;
}

static void null_destroy(void* self) { (void)self; }

static const etl_sink_api kSinkApi = {.struct_size = ETL_STRUCT_SIZE(etl_sink_api),
                                      .create = null_create,
                                      .restore = NULL,
                                      .write = null_write,
                                      .checkpoint = NULL,
                                      .flush = null_flush,
                                      .destroy = null_destroy};

static const etl_plugin kPlugin = {.struct_size = ETL_STRUCT_SIZE(etl_plugin),
                                   .abi_version = ETL_ABI_VERSION,
                                   .kind = ETL_KIND_SINK,
                                   .name = "null",
                                   .version = "1.0.0",
                                   .description = "Discards everything (to measure or dry-run a source).",
                                   .config_fields = NULL,
                                   .config_field_count = 0,
                                   .source = NULL,
                                   .sink = &kSinkApi};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    if (err != NULL) {
      err->code = ETL_E_ABI_MISMATCH;
      snprintf(err->message, ETL_ERROR_MESSAGE_CAPACITY, "null speaks ABI major %u, the host speaks %u",
               (unsigned)ETL_ABI_MAJOR, (unsigned)ETL_ABI_VERSION_MAJOR(host_abi_version));
    }
    return ETL_E_ABI_MISMATCH;
  }
  *out_plugin = &kPlugin;
  return ETL_OK;
}

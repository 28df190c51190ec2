/*
 * A source plugin built ONLY against the frozen copy of the 1.0 header (frozen_1_0/), as a
 * third party's binary from the 1.0 days would be. Every later etlhost must load and run
 * it: tests run it through the current host binary. Never edit this file or the frozen
 * header when the ABI grows; that is the point.
 */
#include <stdio.h>
#include <string.h>

#include "etlhost/plugin.h"

static const char kSchema[] = "{\"schema\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},"
                              "\"word\":{\"type\":\"string\"}}},\"key_properties\":[\"n\"]}";

static etl_status frozen_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  (void)config;
  (void)err;
  static int instance;
  *out_self = &instance;
  return ETL_OK;
}

static void frozen_destroy(void* self) { (void)self; }

static etl_str text(const char* s) {
  etl_str v;
  v.data = s;
  v.size = strlen(s);
  return v;
}

static etl_status frozen_sync(void* self, etl_str catalog, etl_str state, const etl_emitter* emitter, etl_error* err) {
  static const char* const kRows[] = {"{\"n\":1,\"word\":\"one\"}", "{\"n\":2,\"word\":\"two\"}",
                                      "{\"n\":3,\"word\":\"three\"}"};
  etl_message messages[5];
  const etl_message* pointers[5];
  size_t i;
  (void)self;
  (void)catalog;
  if (state.size > 0) return ETL_OK; /* a committed state means everything was delivered */
  for (i = 0; i < 5; ++i) {
    messages[i].struct_size = (uint32_t)sizeof(etl_message);
    messages[i].stream = text(i == 4 ? "" : "frozen");
    messages[i].time_extracted_ms = 0;
    pointers[i] = &messages[i];
  }
  messages[0].kind = ETL_MSG_SCHEMA;
  messages[0].json = text(kSchema);
  for (i = 0; i < 3; ++i) {
    messages[i + 1].kind = ETL_MSG_RECORD;
    messages[i + 1].json = text(kRows[i]);
  }
  messages[4].kind = ETL_MSG_STATE;
  messages[4].json = text("{\"done\":true}");
  return emitter->emit(emitter->host_ctx, pointers, 5, err);
}

static const etl_source_api kApi = {(uint32_t)sizeof(etl_source_api), frozen_create, NULL, frozen_sync, frozen_destroy};

static const etl_plugin kPlugin = {(uint32_t)sizeof(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SOURCE,
                                   "abi10-source",
                                   "1.0.0",
                                   "A plugin built against the frozen ABI 1.0 header.",
                                   NULL,
                                   0,
                                   &kApi,
                                   NULL};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != 1u) {
    if (err != NULL) {
      err->code = ETL_E_ABI_MISMATCH;
      snprintf(err->message, sizeof err->message, "abi10-source needs ABI major 1");
    }
    return ETL_E_ABI_MISMATCH;
  }
  *out_plugin = &kPlugin;
  return ETL_OK;
}

/*
 * Helpers shared by the host's test-fixture plugins (tiny, deliberately simple C).
 *
 * The fixtures read their config with naive string search: the host hands them compact
 * JSON it produced itself (nlohmann dump, no spaces, plain ASCII values in tests).
 */
#ifndef ETLHOST_TEST_FIXTURE_H
#define ETLHOST_TEST_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etlhost/plugin.h"
#include "etlhost/plugin_util.h"

/* Finds `"key":` in `json` and returns a pointer just past the colon, or NULL. */
static inline const char* fixture_find(etl_str json, const char* key) {
  char pattern[96];
  int n = snprintf(pattern, sizeof pattern, "\"%s\":", key);
  if (n <= 0 || (size_t)n >= sizeof pattern || json.data == NULL) return NULL;
  for (size_t i = 0; i + (size_t)n <= json.size; ++i) {
    if (memcmp(json.data + i, pattern, (size_t)n) == 0) return json.data + i + n;
  }
  return NULL;
}

/* An integer member, or `fallback` when absent. */
static inline int64_t fixture_int(etl_str json, const char* key, int64_t fallback) {
  const char* at = fixture_find(json, key);
  return at == NULL ? fallback : strtoll(at, NULL, 10);
}

/* A string member (no escapes) copied into `out`; `fallback` when absent. */
static inline void fixture_string(etl_str json, const char* key, const char* fallback, char* out, size_t capacity) {
  const char* at = fixture_find(json, key);
  const char* end = at == NULL ? NULL : json.data + json.size;
  snprintf(out, capacity, "%s", fallback);
  if (at == NULL || at >= end || *at != '"') return;
  ++at;
  size_t n = 0;
  while (at + n < end && at[n] != '"' && n + 1 < capacity) ++n;
  memcpy(out, at, n);
  out[n] = '\0';
}

static inline etl_message fixture_message(uint32_t kind, const char* stream, const char* json) {
  etl_message m;
  m.struct_size = ETL_STRUCT_SIZE(etl_message);
  m.kind = kind;
  m.stream = etl_str_of(stream);
  m.json = etl_str_of(json);
  m.time_extracted_ms = 0;
  return m;
}

/* A fixture's entry point: hands out its static descriptor `plugin`, whatever the host. */
#define FIXTURE_ENTRY_POINT(plugin)                                                                                  \
  ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) { \
    (void)host_abi_version;                                                                                          \
    (void)err;                                                                                                       \
    *out_plugin = &(plugin);                                                                                         \
    return ETL_OK;                                                                                                   \
  }

#endif

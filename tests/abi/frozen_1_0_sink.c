/*
 * A sink plugin built ONLY against the frozen copy of the 1.0 header (frozen_1_0/), as a
 * third party's binary from the 1.0 days would be. Its callback table ends at destroy:
 * the host must not read the 1.1 fields (acknowledged, finish) beyond its struct_size, and
 * must treat it by the 1.0 rule (flush is the acknowledgement). It journals each flush with
 * the content of the state file at that moment (config keys `path`, `state_file`), so the
 * test sees that each commit came after a flush. Never edit this file or the frozen header
 * when the ABI grows; that is the point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etlhost/plugin.h"

typedef struct frozen_sink {
  FILE* journal;
  char state_file[512];
} frozen_sink;

/* Copies the string member `"key":"..."` of the host's compact config JSON into out. */
static void config_string(etl_str config, const char* key, char* out, size_t capacity) {
  char pattern[64];
  size_t n, i, k;
  out[0] = '\0';
  n = (size_t)snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  for (i = 0; config.data != NULL && i + n <= config.size; ++i) {
    if (memcmp(config.data + i, pattern, n) != 0) continue;
    for (k = 0; i + n + k < config.size && config.data[i + n + k] != '"' && k + 1 < capacity; ++k) {
      out[k] = config.data[i + n + k];
    }
    out[k] = '\0';
    return;
  }
}

static etl_status fail(etl_error* err, etl_status code, const char* message) {
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s", message);
  return code;
}

static etl_status frozen_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  char path[512];
  frozen_sink* self = (frozen_sink*)calloc(1, sizeof *self);
  (void)host;
  if (self == NULL) return fail(err, ETL_E_INTERNAL, "out of memory");
  config_string(config, "path", path, sizeof path);
  config_string(config, "state_file", self->state_file, sizeof self->state_file);
  self->journal = fopen(path, "a");
  if (self->journal == NULL) {
    free(self);
    return fail(err, ETL_E_INVALID_ARGUMENT, "abi10-sink: cannot open the journal named by config key 'path'");
  }
  *out_self = self;
  return ETL_OK;
}

static etl_status frozen_write(void* self_ptr, const etl_message* const* messages, size_t count, etl_error* err) {
  frozen_sink* self = (frozen_sink*)self_ptr;
  size_t i;
  (void)err;
  for (i = 0; i < count; ++i) {
    if (messages[i]->kind == ETL_MSG_STATE) {
      fprintf(self->journal, "STATE %.*s\n", (int)messages[i]->json.size, messages[i]->json.data);
    }
  }
  return ETL_OK;
}

static etl_status frozen_flush(void* self_ptr, etl_error* err) {
  frozen_sink* self = (frozen_sink*)self_ptr;
  char content[2048] = "(none)";
  FILE* in = fopen(self->state_file, "r");
  (void)err;
  if (in != NULL) {
    size_t n = fread(content, 1, sizeof content - 1, in);
    fclose(in);
    while (n > 0 && content[n - 1] == '\n') --n;
    content[n] = '\0';
  }
  fprintf(self->journal, "flush %s\n", content);
  fflush(self->journal);
  return ETL_OK;
}

static void frozen_destroy(void* self_ptr) {
  frozen_sink* self = (frozen_sink*)self_ptr;
  fclose(self->journal);
  free(self);
}

static const etl_sink_api kApi = {
    (uint32_t)sizeof(etl_sink_api), frozen_create, NULL, frozen_write, NULL, frozen_flush, frozen_destroy};

static const etl_config_field kPath = {(uint32_t)sizeof(etl_config_field),
                                       ETL_CONFIG_STRING,
                                       ETL_CONFIG_REQUIRED,
                                       "path",
                                       NULL,
                                       NULL,
                                       "The journal file."};
static const etl_config_field kStateFile = {(uint32_t)sizeof(etl_config_field),
                                            ETL_CONFIG_STRING,
                                            0,
                                            "state_file",
                                            "\"\"",
                                            NULL,
                                            "A file to copy into the journal at each flush."};
static const etl_config_field* const kFields[] = {&kPath, &kStateFile};

static const etl_plugin kPlugin = {(uint32_t)sizeof(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SINK,
                                   "abi10-sink",
                                   "1.0.0",
                                   "A sink built against the frozen ABI 1.0 header.",
                                   kFields,
                                   2,
                                   NULL,
                                   &kApi};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != 1u)
    return fail(err, ETL_E_ABI_MISMATCH, "abi10-sink needs ABI major 1");
  *out_plugin = &kPlugin;
  return ETL_OK;
}

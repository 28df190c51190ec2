/*
 * t-kit-source: a small source for the conformance kit's own tests. It emits `records`
 * records into one stream `items`, in batches of `batch`, with a STATE {"n":N} after each
 * batch, and resumes after N. `mode` breaks it on purpose:
 *   ok              correct
 *   state_first     emits each batch's STATE before the batch's records
 *   ignore_cancel   keeps emitting after emit() failed, then returns ETL_OK
 *   hang_on_cancel  after emit() failed, sleeps forever without checking is_cancelled
 *   create_crash    create() dereferences NULL when batch <= 0
 *   create_exit     create() calls exit(3) when batch <= 0
 *   leak_secret     create() logs the secret `token`
 * Built a second time with T_ENTRY_THREAD as t-kit-entrythread, whose entry point starts a
 * thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"

#ifndef T_NAME
#define T_NAME "t-kit-source"
#endif

enum {
  kModeOk,
  kModeStateFirst,
  kModeIgnoreCancel,
  kModeHangOnCancel,
  kModeCreateCrash,
  kModeCreateExit,
  kModeLeakSecret
};

typedef struct kitsource {
  const etl_host_api* host;
  int mode;
  int64_t records, batch;
} kitsource;

static const etl_config_field kMode = {
    ETL_STRUCT_SIZE(etl_config_field),
    ETL_CONFIG_STRING,
    0,
    "mode",
    "\"ok\"",
    NULL,
    "How to misbehave: ok, state_first, ignore_cancel, hang_on_cancel, create_crash, "
    "create_exit or leak_secret."};
static const etl_config_field kRecords = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, "records", "300", NULL, "Records to emit, 0 or more."};
static const etl_config_field kBatch = {ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, "batch", "50", NULL,
                                        "Records per batch, 1 or more."};
static const etl_config_field kToken = {ETL_STRUCT_SIZE(etl_config_field),
                                        ETL_CONFIG_STRING,
                                        ETL_CONFIG_SECRET,
                                        "token",
                                        NULL,
                                        "T_KIT_TOKEN",
                                        "A pretend credential."};
static const etl_config_field* const kFields[] = {&kMode, &kRecords, &kBatch, &kToken};

/* NULL; volatile, so the compiler cannot drop the store through it as undefined. */
static int* volatile g_nowhere;

static etl_status ks_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  char mode[64];
  fixture_string(config, "mode", "ok", mode, sizeof mode);
  kitsource* self = (kitsource*)calloc(1, sizeof *self);
  self->host = host;
  self->records = fixture_int(config, "records", 300);
  self->batch = fixture_int(config, "batch", 50);
  static const char* const kModes[] = {"ok",           "state_first", "ignore_cancel", "hang_on_cancel",
                                       "create_crash", "create_exit", "leak_secret"};
  self->mode = -1;
  for (int i = 0; i < 7; ++i) {
    if (strcmp(mode, kModes[i]) == 0) self->mode = i;
  }
  if (self->mode == kModeCreateCrash && self->batch <= 0) {
    *g_nowhere = 1;
  }
  if (self->mode == kModeCreateExit && self->batch <= 0) exit(3);
  if (self->mode == kModeLeakSecret) {
    char token[256], line[320];
    fixture_string(config, "token", "", token, sizeof token);
    snprintf(line, sizeof line, "connecting with token %s", token);
    host->log(host->host_ctx, ETL_LOG_INFO, etl_str_of(line));
  }
  if (self->mode < 0 || self->records < 0 || self->batch <= 0) {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0,
                         "t-kit-source config: expected a known mode, records >= 0 and batch >= 1");
  }
  *out_self = self;
  return ETL_OK;
}

static etl_status ks_sync(void* self_ptr, etl_str catalog, etl_str state, const etl_emitter* emitter, etl_error* err) {
  kitsource* self = (kitsource*)self_ptr;
  (void)catalog;
  int64_t n = state.size > 0 ? fixture_int(state, "n", 0) : 0;
  etl_message schema = fixture_message(
      ETL_MSG_SCHEMA, "items",
      "{\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},"
      "\"key_properties\":[\"id\"]}");
  const etl_message* first[1] = {&schema};
  etl_status status = emitter->emit(emitter->host_ctx, first, 1, err);
  if (status != ETL_OK) return status;
  static char texts[512][48];
  static char state_text[48];
  etl_message messages[513];
  const etl_message* pointers[513];
  int failed = 0;
  while (n < self->records) {
    int64_t count = self->batch < 512 ? self->batch : 512;
    if (count > self->records - n) count = self->records - n;
    size_t used = 0;
    snprintf(state_text, sizeof state_text, "{\"n\":%lld}", (long long)(n + count));
    etl_message state_message = fixture_message(ETL_MSG_STATE, "", state_text);
    if (self->mode == kModeStateFirst) messages[used++] = state_message;
    for (int64_t i = 0; i < count; ++i) {
      snprintf(texts[i], sizeof texts[i], "{\"id\":%lld}", (long long)(n + i + 1));
      messages[used++] = fixture_message(ETL_MSG_RECORD, "items", texts[i]);
    }
    if (self->mode != kModeStateFirst) messages[used++] = state_message;
    for (size_t i = 0; i < used; ++i) pointers[i] = &messages[i];
    status = emitter->emit(emitter->host_ctx, pointers, used, err);
    if (status != ETL_OK) {
      if (self->mode == kModeHangOnCancel) {
        for (;;) sleep(1);
      }
      if (self->mode != kModeIgnoreCancel) return status;
      failed = 1;
    }
    n += count;
  }
  (void)failed;
  return ETL_OK;
}

static void ks_destroy(void* self) { free(self); }

static const etl_source_api kApi = {
    ETL_STRUCT_SIZE(etl_source_api), ks_create, NULL, ks_sync, ks_destroy, NULL, NULL, NULL};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SOURCE,
                                   T_NAME,
                                   "0.1.0",
                                   "Conformance-kit fixture: a counting source, broken on request.",
                                   kFields,
                                   sizeof kFields / sizeof kFields[0],
                                   &kApi,
                                   NULL};

#ifdef T_ENTRY_THREAD
static void* idle(void* arg) {
  (void)arg;
  for (;;) sleep(60);
  return NULL;
}
#endif

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    return etl_set_error(err, ETL_E_ABI_MISMATCH, 0, T_NAME " speaks ABI %u, the host %u", ETL_ABI_MAJOR,
                         ETL_ABI_VERSION_MAJOR(host_abi_version));
  }
#ifdef T_ENTRY_THREAD
  pthread_t thread;
  if (pthread_create(&thread, NULL, idle, NULL) == 0) pthread_detach(thread);
#endif
  *out_plugin = &kPlugin;
  return ETL_OK;
}

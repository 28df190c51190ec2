/*
 * t-script: a source whose behaviour is picked by its `mode` config key, to drive the
 * host's pipeline through every path in tests:
 *   ok                    SCHEMA, then `records` x (RECORD {"id":i}, STATE {"n":i}); with
 *                         delay_ms 0 all in ONE emit (the host must split it at each
 *                         STATE), else one emit per pair, logging "sent state i" after each
 *                         accepted emit and sleeping delay_ms (checking is_cancelled).
 *                         Resumes after the committed {"n":K}.
 *   grow                  like ok with delay_ms > 0 (one emit per RECORD+STATE), but the
 *                         schema grows: record i carries "f<k>" (k = 1 + i/10, value "v<i>")
 *                         besides "id", and a SCHEMA declaring id, f1..fk comes before the
 *                         first record of each fk, as a source whose records gain fields
 *                         does; a resumed run first re-sends the SCHEMA in force.
 *   record_before_schema  a RECORD for a stream that never had a SCHEMA
 *   raw_newline           a RECORD whose JSON holds a raw LF byte
 *   unknown_kind          a message of kind 9
 *   bad_state             a STATE whose JSON does not parse
 *   state_with_stream     a STATE that names a stream (a STATE's stream must be empty)
 *   fail                  SCHEMA, R1, S1, R2, then fails with ETL_E_IO; logs and returns
 *                         the `token` secret in its message (the host must redact it)
 *   swallow               like record_before_schema, but returns ETL_OK after emit failed
 *   wrong_thread          calls emit() from a thread of its own (the host must refuse it)
 *   refuse                create() refuses the config
 *   exit_in_create        create() calls exit(0) (the host must not exit 0 quietly)
 *   exit_in_sync          SCHEMA, R1, S1 in one emit, then sync() calls exit(0)
 *   exit_from_thread      the same emit, then a thread of the plugin calls exit(0) while
 *                         sync() waits for it
 * A non-empty catalog is logged ("catalog: ...") so tests can see what sync() received.
 * Its config spec has one key of every type, a secret with an env variable, and defaults.
 */
#include <pthread.h>
#include <time.h>

#include "fixture.h"

typedef struct script {
  const etl_host_api* host;
  char mode[64];
  char stream[64];
  char token[128];
  int64_t records;
  int64_t delay_ms;
} script;

static const etl_config_field kMode = {ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_STRING, 0, "mode", "\"ok\"", NULL,
                                       "What to do (see t_script.c)."};
static const etl_config_field kRecords = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, "records", "3", NULL, "How many records."};
static const etl_config_field kDelay = {ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, "delay_ms", "0", NULL,
                                        "Sleep between emits, in ms."};
static const etl_config_field kStream = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_STRING, 0, "stream", "\"items\"", NULL, "The stream name."};
static const etl_config_field kToken = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_STRING, ETL_CONFIG_SECRET, "token", NULL, "T_SCRIPT_TOKEN",
    "A secret, for redaction tests."};
static const etl_config_field kRatio = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_NUMBER, 0, "ratio", "0.5", NULL, "A number."};
static const etl_config_field kVerbose = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_BOOLEAN, 0, "verbose", "false", "T_SCRIPT_VERBOSE",
    "A boolean, with an env variable."};
static const etl_config_field kOptions = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_JSON, 0, "options", "{}", NULL, "Any JSON."};
static const etl_config_field* const kFields[] = {&kMode,  &kRecords, &kDelay,   &kStream,
                                                  &kToken, &kRatio,   &kVerbose, &kOptions};

static etl_status script_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  script* self = (script*)calloc(1, sizeof *self);
  if (self == NULL) return etl_set_error(err, ETL_E_INTERNAL, 0, "out of memory");
  self->host = host;
  fixture_string(config, "mode", "ok", self->mode, sizeof self->mode);
  fixture_string(config, "stream", "items", self->stream, sizeof self->stream);
  fixture_string(config, "token", "", self->token, sizeof self->token);
  self->records = fixture_int(config, "records", 3);
  self->delay_ms = fixture_int(config, "delay_ms", 0);
  if (strcmp(self->mode, "exit_in_create") == 0) exit(0);
  if (strcmp(self->mode, "refuse") == 0) {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-script config: mode 'refuse' refuses to run");
  }
  if (self->token[0] != '\0') etl_logf(host, ETL_LOG_DEBUG, "created with token %s", self->token);
  *out_self = self;
  return ETL_OK;
}

static void script_destroy(void* self) { free(self); }

static etl_status emit(const etl_emitter* emitter, const etl_message* messages, size_t count, etl_error* err) {
  const etl_message* pointers[64];
  for (size_t i = 0; i < count; ++i) pointers[i] = &messages[i];
  return emitter->emit(emitter->host_ctx, pointers, count, err);
}

static const char kSchema[] = "{\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},"
                              "\"key_properties\":[\"id\"]}";

static void sleep_ms(int64_t ms) {
  struct timespec t;
  t.tv_sec = (time_t)(ms / 1000);
  t.tv_nsec = (long)(ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

static etl_status run_ok(script* self, etl_str state, const etl_emitter* emitter, etl_error* err) {
  int64_t done = state.size > 0 ? fixture_int(state, "n", 0) : 0;
  etl_message schema = fixture_message(ETL_MSG_SCHEMA, self->stream, kSchema);
  if (self->delay_ms <= 0) {
    /* Everything in one batch: the host has to split it after each STATE. */
    enum { kMax = 30 };
    static char texts[kMax][2][64];
    etl_message batch[2 * kMax + 1];
    size_t count = 0;
    batch[count++] = schema;
    for (int64_t i = done + 1; i <= self->records && count + 2 <= 2 * kMax + 1; ++i) {
      char* record = texts[count / 2][0];
      char* st = texts[count / 2][1];
      snprintf(record, 64, "{\"id\":%lld}", (long long)i);
      snprintf(st, 64, "{\"n\":%lld}", (long long)i);
      batch[count++] = fixture_message(ETL_MSG_RECORD, self->stream, record);
      batch[count++] = fixture_message(ETL_MSG_STATE, "", st);
    }
    return emit(emitter, batch, count, err);
  }
  etl_status status = emit(emitter, &schema, 1, err);
  for (int64_t i = done + 1; status == ETL_OK && i <= self->records; ++i) {
    char record[64], st[64];
    snprintf(record, sizeof record, "{\"id\":%lld}", (long long)i);
    snprintf(st, sizeof st, "{\"n\":%lld}", (long long)i);
    etl_message pair[2] = {fixture_message(ETL_MSG_RECORD, self->stream, record),
                           fixture_message(ETL_MSG_STATE, "", st)};
    status = emit(emitter, pair, 2, err);
    if (status != ETL_OK) break;
    etl_logf(self->host, ETL_LOG_INFO, "sent state %lld", (long long)i);
    for (int64_t slept = 0; slept < self->delay_ms; slept += 5) {
      if (self->host->is_cancelled(self->host->host_ctx)) {
        return etl_set_error(err, ETL_E_CANCELLED, 0, "t-script: cancelled while waiting");
      }
      sleep_ms(5);
    }
  }
  return status;
}

/* The SCHEMA of mode grow with `fields` fields f1..f<fields>. */
static void grow_schema(char* out, size_t capacity, int64_t fields) {
  int used = snprintf(out, capacity, "{\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}");
  for (int64_t k = 1; k <= fields && used > 0 && (size_t)used < capacity; ++k) {
    used += snprintf(out + used, capacity - (size_t)used, ",\"f%lld\":{\"type\":[\"null\",\"string\"]}", (long long)k);
  }
  if (used > 0 && (size_t)used < capacity)
    snprintf(out + used, capacity - (size_t)used, "}},\"key_properties\":[\"id\"]}");
}

static etl_status run_grow(script* self, etl_str state, const etl_emitter* emitter, etl_error* err) {
  static char schema[8192];
  const int64_t done = state.size > 0 ? fixture_int(state, "n", 0) : 0;
  int64_t declared = 1 + done / 10;
  if (self->records > 999) return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-script grow: at most 999 records");
  grow_schema(schema, sizeof schema, declared);
  etl_message first = fixture_message(ETL_MSG_SCHEMA, self->stream, schema);
  etl_status status = emit(emitter, &first, 1, err);
  for (int64_t i = done + 1; status == ETL_OK && i <= self->records; ++i) {
    if (1 + i / 10 > declared) {
      grow_schema(schema, sizeof schema, ++declared);
      etl_message grown = fixture_message(ETL_MSG_SCHEMA, self->stream, schema);
      status = emit(emitter, &grown, 1, err);
      if (status != ETL_OK) break;
    }
    char record[96], st[64];
    snprintf(record, sizeof record, "{\"id\":%lld,\"f%lld\":\"v%lld\"}", (long long)i, (long long)declared,
             (long long)i);
    snprintf(st, sizeof st, "{\"n\":%lld}", (long long)i);
    etl_message pair[2] = {fixture_message(ETL_MSG_RECORD, self->stream, record),
                           fixture_message(ETL_MSG_STATE, "", st)};
    status = emit(emitter, pair, 2, err);
    if (status == ETL_OK && self->delay_ms > 0) sleep_ms(self->delay_ms);
  }
  return status;
}

typedef struct thread_call {
  const etl_emitter* emitter;
  etl_error* err;
  etl_status status;
  const char* stream;
} thread_call;

static void* emit_from_thread(void* arg) {
  thread_call* call = (thread_call*)arg;
  etl_message schema = fixture_message(ETL_MSG_SCHEMA, call->stream, kSchema);
  call->status = emit(call->emitter, &schema, 1, call->err);
  return NULL;
}

static void* exit_from_thread(void* arg) {
  (void)arg;
  exit(0);
}

/* One emit of SCHEMA, R1, S1 (S1 stays pending under the default checkpoint interval), then
 * the process is ended with exit(0) from sync() itself or from a thread of the plugin. */
static etl_status exit_after_a_state(script* self, const etl_emitter* emitter, etl_error* err) {
  etl_message m[3] = {fixture_message(ETL_MSG_SCHEMA, self->stream, kSchema),
                      fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":1}"),
                      fixture_message(ETL_MSG_STATE, "", "{\"n\":1}")};
  etl_status status = emit(emitter, m, 3, err);
  if (status != ETL_OK) return status;
  if (strcmp(self->mode, "exit_in_sync") == 0) exit(0);
  pthread_t thread;
  if (pthread_create(&thread, NULL, exit_from_thread, NULL) != 0) {
    return etl_set_error(err, ETL_E_INTERNAL, 0, "t-script: pthread_create failed");
  }
  pthread_join(thread, NULL); /* never returns: the thread ends the process */
  return ETL_OK;
}

static etl_status script_sync(void* self_ptr, etl_str catalog, etl_str state, const etl_emitter* emitter,
                              etl_error* err) {
  script* self = (script*)self_ptr;
  const char* mode = self->mode;
  /* Shows tests what the host passed as the catalog. */
  if (catalog.size > 0) etl_logf(self->host, ETL_LOG_INFO, "catalog: %.*s", (int)catalog.size, catalog.data);
  etl_message schema = fixture_message(ETL_MSG_SCHEMA, self->stream, kSchema);
  if (strcmp(mode, "ok") == 0) return run_ok(self, state, emitter, err);
  if (strcmp(mode, "grow") == 0) return run_grow(self, state, emitter, err);
  if (strcmp(mode, "record_before_schema") == 0 || strcmp(mode, "swallow") == 0) {
    etl_message m[2] = {fixture_message(ETL_MSG_RECORD, "orders", "{\"id\":1}"), schema};
    etl_status status = emit(emitter, m, 2, err);
    return strcmp(mode, "swallow") == 0 ? ETL_OK : status;
  }
  if (strcmp(mode, "wrong_thread") == 0) {
    thread_call call = {emitter, err, ETL_OK, self->stream};
    pthread_t thread;
    if (pthread_create(&thread, NULL, emit_from_thread, &call) != 0) {
      return etl_set_error(err, ETL_E_INTERNAL, 0, "t-script: pthread_create failed");
    }
    pthread_join(thread, NULL);
    return call.status;
  }
  if (strcmp(mode, "exit_in_sync") == 0 || strcmp(mode, "exit_from_thread") == 0) {
    return exit_after_a_state(self, emitter, err);
  }
  if (strcmp(mode, "raw_newline") == 0) {
    etl_message m[2] = {schema, fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":1,\n\"x\":2}")};
    return emit(emitter, m, 2, err);
  }
  if (strcmp(mode, "unknown_kind") == 0) {
    etl_message m[2] = {schema, fixture_message(9, self->stream, "{\"id\":1}")};
    return emit(emitter, m, 2, err);
  }
  if (strcmp(mode, "bad_state") == 0) {
    etl_message m[3] = {schema, fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":1}"),
                        fixture_message(ETL_MSG_STATE, "", "{nope")};
    return emit(emitter, m, 3, err);
  }
  if (strcmp(mode, "state_with_stream") == 0) {
    etl_message m[3] = {schema, fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":1}"),
                        fixture_message(ETL_MSG_STATE, self->stream, "{\"n\":1}")};
    return emit(emitter, m, 3, err);
  }
  if (strcmp(mode, "fail") == 0) {
    etl_message m[4] = {schema, fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":1}"),
                        fixture_message(ETL_MSG_STATE, "", "{\"n\":1}"),
                        fixture_message(ETL_MSG_RECORD, self->stream, "{\"id\":2}")};
    etl_status status = emit(emitter, m, 4, err);
    if (status != ETL_OK) return status;
    etl_logf(self->host, ETL_LOG_WARN, "about to fail; token is %s", self->token);
    return etl_set_error(err, ETL_E_IO, 0, "upstream broke while using token %s", self->token);
  }
  return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-script: unknown mode '%s'", mode);
}

static const etl_source_api kApi = {
    ETL_STRUCT_SIZE(etl_source_api), script_create, NULL, script_sync, script_destroy, NULL, NULL, NULL};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SOURCE,
                                   "t-script",
                                   "0.0.1",
                                   "Test fixture: a scripted source.",
                                   kFields,
                                   sizeof kFields / sizeof kFields[0],
                                   &kApi,
                                   NULL};

FIXTURE_ENTRY_POINT(kPlugin)

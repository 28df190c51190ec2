/*
 * fibonacci: an etlhost source plugin in plain C99, the smallest complete example of the ABI.
 *
 * It emits the Fibonacci numbers F(0), F(1), ... F(count-1) as records {"n":N,"value":F(N)}
 * into one stream (named by the `stream` config key), with a STATE {"next":N} every
 * `state_every` records. A run that starts from a committed state continues at "next", so
 * resumed runs never repeat a number. `delay_ms` slows it down to show cancellation.
 *
 *   etlhost run fibonacci to jsonl --set fibonacci.count=20 --set jsonl.output_dir=out
 *
 * Everything the host needs is in plugin.h; plugin_util.h only adds printf-style helpers.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep() under -std=c99 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etlhost/plugin.h"
#include "etlhost/plugin_util.h"

#define FIB_MAX_COUNT 93 /* F(92) is the last Fibonacci number that fits in int64 */
#define FIB_BATCH 256    /* records per emit(): the host wants batches, not single records */
#define FIB_STREAM_CAPACITY 64

/* ---- config spec: static, read by the host before create() (etlhost describe shows it) ---- */

static const etl_config_field kCount = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field), /* "I filled a field as I know it" */
    .type = ETL_CONFIG_INTEGER,
    .key = "count",
    .default_json = "20",
    .help = "How many Fibonacci numbers to emit, F(0) to F(count-1); 0 to 93."};
static const etl_config_field kStream = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field),
    .type = ETL_CONFIG_STRING,
    .key = "stream",
    .default_json = "\"fibonacci\"", /* JSON text: a string default keeps its quotes */
    .help = "The stream name, [A-Za-z0-9_.-]+ (a file sink names its file after it)."};
static const etl_config_field kStateEvery = {.struct_size = ETL_STRUCT_SIZE(etl_config_field),
                                             .type = ETL_CONFIG_INTEGER,
                                             .key = "state_every",
                                             .default_json = "10",
                                             .help = "Emit a STATE after this many records, 1 or more."};
static const etl_config_field kDelayMs = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field),
    .type = ETL_CONFIG_INTEGER,
    .key = "delay_ms",
    .default_json = "0",
    .env = "FIBONACCI_DELAY_MS", /* used when the user's config lacks the key */
    .help = "Milliseconds to wait before each record (a stand-in for a slow API)."};
/* Arrays of pointers, not of structs: each element carries its own struct_size. */
static const etl_config_field* const kFields[] = {&kCount, &kStream, &kStateEvery, &kDelayMs};

typedef struct fib_source {
  const etl_host_api* host; /* valid until destroy(), so the instance may keep it */
  int64_t count, state_every, delay_ms;
  char stream[FIB_STREAM_CAPACITY]; /* NUL-terminated */
} fib_source;

/* ---- reading flat JSON objects ----
 * The host validated the config against kFields, so it is an object whose values are
 * integers or strings; the state is our own {"next":N}. A real C plugin would use a JSON
 * library (cJSON, jansson, yyjson); this scanner keeps the example free of dependencies. */

static const char* skip_space(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

/* Finds the value of `key` in a flat object; its text (quotes included) goes to *value. */
static int json_member(etl_str object, const char* key, etl_str* value) {
  const char* p = object.data;
  const char* end = object.data + object.size;
  const size_t key_size = strlen(key);
  p = skip_space(p, end);
  if (p == end || *p++ != '{') return 0;
  for (;;) {
    p = skip_space(p, end);
    if (p == end || *p != '"') return 0;
    const char* name = ++p;
    while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
    if (p >= end) return 0;
    const int match = (size_t)(p - name) == key_size && memcmp(name, key, key_size) == 0;
    p = skip_space(p + 1, end);
    if (p == end || *p++ != ':') return 0;
    p = skip_space(p, end);
    const char* start = p;
    if (p < end && *p == '"') {
      for (++p; p < end && *p != '"'; p += (*p == '\\') ? 2 : 1) {
      }
      if (p >= end) return 0;
      ++p;
    } else {
      while (p < end && *p != ',' && *p != '}' && *p != ' ' && *p != '\n') ++p;
    }
    if (match) {
      value->data = start;
      value->size = (size_t)(p - start);
      return 1;
    }
    p = skip_space(p, end);
    if (p == end || *p++ != ',') return 0;
  }
}

/* Reads an integer member; returns 0 when it is absent or not an integer. */
static int json_int(etl_str object, const char* key, int64_t* out) {
  etl_str text;
  char digits[24];
  char* stop;
  if (!json_member(object, key, &text) || text.size == 0 || text.size >= sizeof digits) return 0;
  memcpy(digits, text.data, text.size); /* etl_str is not NUL-terminated: copy before strtoll */
  digits[text.size] = '\0';
  *out = strtoll(digits, &stop, 10);
  return *stop == '\0';
}

static int is_stream_name(const char* text, size_t size) {
  if (size == 0) return 0;
  for (size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-')) {
      return 0;
    }
  }
  return 1;
}

/* ---- create / destroy ---- */

static etl_status fib_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  /* Check every value here: a bad one then fails the run before any output exists. The
   * host has filled in the defaults of kFields, so the initial values are only a fallback. */
  int64_t count = 20, state_every = 10, delay_ms = 0;
  etl_str stream = etl_str_of("\"fibonacci\"");
  json_int(config, "count", &count);
  json_int(config, "state_every", &state_every);
  json_int(config, "delay_ms", &delay_ms);
  json_member(config, "stream", &stream);
  if (count < 0 || count > FIB_MAX_COUNT) {
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0,
                         "config key 'count': expected an integer from 0 to %d, found %" PRId64, FIB_MAX_COUNT, count);
  }
  if (state_every < 1 || delay_ms < 0) {
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0,
                         "config keys 'state_every' and 'delay_ms': expected state_every >= 1 and "
                         "delay_ms >= 0, found %" PRId64 " and %" PRId64,
                         state_every, delay_ms);
  }
  /* Strip the quotes; a name with escapes fails the character check anyway. */
  if (stream.size < 3 || stream.size - 2 >= FIB_STREAM_CAPACITY || !is_stream_name(stream.data + 1, stream.size - 2)) {
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0,
                         "config key 'stream': expected 1 to 63 characters of [A-Za-z0-9_.-], found %.*s",
                         (int)(stream.size > 80 ? 80 : stream.size), stream.data);
  }
  fib_source* self = (fib_source*)calloc(1, sizeof *self);
  if (self == NULL) return etl_set_error(err, ETL_E_INTERNAL, 0, "fibonacci: out of memory");
  self->host = host;
  self->count = count;
  self->state_every = state_every;
  self->delay_ms = delay_ms;
  memcpy(self->stream, stream.data + 1, stream.size - 2);
  *out_self = self;
  return ETL_OK;
}

/* Never fails and never called with NULL; the host calls it once per successful create(). */
static void fib_destroy(void* self) { free(self); }

/* ---- discover and sync ---- */

static const char kSchema[] =
    "{\"schema\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},"
    "\"value\":{\"type\":\"integer\"}}},\"key_properties\":[\"n\"],\"bookmark_properties\":[\"n\"]}";

/* One batch of messages. The host borrows them only during emit(), so one batch is
 * reused for the whole run. */
typedef struct fib_batch {
  char text[FIB_BATCH + 2][64]; /* room for a SCHEMA, FIB_BATCH records and a STATE */
  etl_message messages[FIB_BATCH + 2];
  const etl_message* pointers[FIB_BATCH + 2];
  size_t count;
} fib_batch;

static void add(fib_batch* batch, uint32_t kind, const char* stream, const char* json, size_t size) {
  etl_message* m = &batch->messages[batch->count];
  m->struct_size = ETL_STRUCT_SIZE(etl_message); /* "I filled a message as I know it" */
  m->kind = kind;
  m->stream = etl_str_of(stream);
  m->json.data = json;
  m->json.size = size;
  m->time_extracted_ms = 0; /* unknown: the sink uses the time it writes */
  batch->pointers[batch->count] = m;
  batch->count++;
}

static etl_status send(fib_batch* batch, const fib_source* self, const etl_emitter* emitter, etl_error* err) {
  if (batch->count == 0) return ETL_OK;
  /* A failed emit (stop requested, the sink failed) is final: the caller returns it as is. */
  const etl_status status = emitter->emit(emitter->host_ctx, batch->pointers, batch->count, err);
  self->host->count(self->host->host_ctx, etl_str_of("batches"), 1); /* shown in the run summary */
  batch->count = 0;
  return status;
}

static etl_status fib_discover(void* self_ptr, const etl_emitter* emitter, etl_error* err) {
  const fib_source* self = (const fib_source*)self_ptr;
  /* A catalog entry is the SCHEMA object plus Singer metadata; the host prints the catalog. */
  static const char kMetadata[] =
      ",\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"inclusion\":\"available\","
      "\"selected-by-default\":true,\"table-key-properties\":[\"n\"],"
      "\"forced-replication-method\":\"INCREMENTAL\",\"valid-replication-keys\":[\"n\"]}}]}";
  char entry[sizeof kSchema + sizeof kMetadata];
  const size_t head = sizeof kSchema - 2; /* kSchema without its closing brace */
  memcpy(entry, kSchema, head);
  memcpy(entry + head, kMetadata, sizeof kMetadata);
  etl_message schema;
  schema.struct_size = ETL_STRUCT_SIZE(etl_message);
  schema.kind = ETL_MSG_SCHEMA;
  schema.stream = etl_str_of(self->stream);
  schema.json = etl_str_of(entry);
  schema.time_extracted_ms = 0;
  const etl_message* pointers[1] = {&schema};
  return emitter->emit(emitter->host_ctx, pointers, 1, err);
}

/* Waits delay_ms in short slices, giving up as soon as the user asks the run to stop. */
static etl_status pause_or_cancel(const fib_source* self, etl_error* err) {
  for (int64_t left = self->delay_ms; left > 0; left -= 20) {
    if (self->host->is_cancelled(self->host->host_ctx)) {
      return etl_set_error(err, ETL_E_CANCELLED, 0, "fibonacci: stopped at the user's request");
    }
    const struct timespec slice = {0, (long)(left < 20 ? left : 20) * 1000000L};
    nanosleep(&slice, NULL);
  }
  return ETL_OK;
}

static etl_status fib_sync(void* self_ptr, etl_str catalog, etl_str state, const etl_emitter* emitter, etl_error* err) {
  const fib_source* self = (const fib_source*)self_ptr;
  (void)catalog; /* one stream: nothing to select */

  /* The state is our own text from an earlier run, {"next":N}, or empty on a first run.
   * It holds the position, not the data: F(next) is cheap to recompute. */
  int64_t next = 0;
  if (state.size > 0 && (!json_int(state, "next", &next) || next < 0)) {
    return etl_set_error(err, ETL_E_INVALID_STATE, 0, "fibonacci state: expected {\"next\":N}, found %.*s",
                         (int)(state.size > 200 ? 200 : state.size), state.data);
  }
  uint64_t a = 0, b = 1; /* F(n), F(n+1); unsigned: past F(93) it wraps, harmlessly */
  for (int64_t n = 0; n < next && n < FIB_MAX_COUNT; ++n) {
    const uint64_t sum = a + b;
    a = b;
    b = sum;
  }

  fib_batch* batch = (fib_batch*)malloc(sizeof *batch);
  if (batch == NULL) return etl_set_error(err, ETL_E_INTERNAL, 0, "fibonacci: out of memory");
  batch->count = 0;
  /* Every run sends a stream's SCHEMA before its first RECORD. */
  add(batch, ETL_MSG_SCHEMA, self->stream, kSchema, sizeof kSchema - 1);

  etl_status status = ETL_OK;
  int64_t since_state = 0;
  while (status == ETL_OK && next < self->count) {
    status = pause_or_cancel(self, err);
    if (status != ETL_OK) break;
    char* text = batch->text[batch->count];
    int size = snprintf(text, 64, "{\"n\":%" PRId64 ",\"value\":%" PRIu64 "}", next, a);
    add(batch, ETL_MSG_RECORD, self->stream, text, (size_t)size);
    const uint64_t sum = a + b;
    a = b;
    b = sum;
    ++next;
    /* A STATE goes only where every record before it is complete (here: anywhere), and
     * says where the next run starts. The host commits it once the sink made those
     * records durable. */
    if (++since_state == self->state_every || next == self->count) {
      text = batch->text[batch->count];
      size = snprintf(text, 64, "{\"next\":%" PRId64 "}", next);
      add(batch, ETL_MSG_STATE, "", text, (size_t)size);
      since_state = 0;
      status = send(batch, self, emitter, err);
    } else if (batch->count >= FIB_BATCH || self->delay_ms > 0) {
      status = send(batch, self, emitter, err); /* slow source: do not sit on records */
    }
  }
  if (status == ETL_OK) status = send(batch, self, emitter, err); /* count 0: just the SCHEMA */
  free(batch);
  if (status == ETL_OK) etl_logf(self->host, ETL_LOG_INFO, "done; the next run starts at n=%" PRId64, next);
  return status;
}

/* ---- the descriptor and the one exported symbol ---- */

static const etl_source_api kSourceApi = {.struct_size = ETL_STRUCT_SIZE(etl_source_api),
                                          .create = fib_create,
                                          .discover = fib_discover,
                                          .sync = fib_sync,
                                          .destroy = fib_destroy};

static const etl_plugin kPlugin = {.struct_size = ETL_STRUCT_SIZE(etl_plugin),
                                   .abi_version = ETL_ABI_VERSION, /* the ABI this file was compiled against */
                                   .kind = ETL_KIND_SOURCE,
                                   .name = "fibonacci", /* so the file is etl-fibonacci.so */
                                   .version = "1.0.0",
                                   .description = "Emits Fibonacci numbers, resumable (an SDK example in C99).",
                                   .config_fields = kFields,
                                   .config_field_count = sizeof kFields / sizeof kFields[0],
                                   .source = &kSourceApi,
                                   .sink = NULL};

/* Called right after dlopen, possibly only to list plugins: no side effects, just the
 * version check and a pointer to static data. */
ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    return etl_set_error(err, ETL_E_ABI_MISMATCH, 0, "fibonacci speaks ABI major %u, the host speaks major %u",
                         (unsigned)ETL_ABI_MAJOR, (unsigned)ETL_ABI_VERSION_MAJOR(host_abi_version));
  }
  *out_plugin = &kPlugin;
  return ETL_OK;
}

/*
 * demo: a source plugin in plain C99, built against etlhost/plugin.h alone.
 *
 * It emits `records` rows into each of two streams, `customers` and `orders`, interleaved in
 * batches, and a STATE after every `state_every` rows. The state is the number of rows of
 * each stream already emitted, so a resumed run continues exactly where the committed state
 * left off. Row contents are a pure function of the row number, and include the values
 * that break naive CSV writers (quotes, commas, CR/LF, UTF-8, nested objects and arrays),
 * so end-to-end tests can check every value.
 *
 * It is also the host's benchmark producer: formatting is done into one reusable buffer,
 * with no allocation per row.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etlhost/plugin.h"

#define DEMO_BATCH 512        /* rows per emit() call */
#define DEMO_ROW_CAPACITY 512 /* bytes of JSON per row, with room to spare */
#define DEMO_STREAM_COUNT 2

static const char* const kStreamNames[DEMO_STREAM_COUNT] = {"customers", "orders"};

static const char* const kSchemas[DEMO_STREAM_COUNT] = {
    "{\"schema\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"integer\"},"
    "\"name\":{\"type\":\"string\"},"
    "\"note\":{\"type\":[\"null\",\"string\"]},"
    "\"vip\":{\"type\":\"boolean\"},"
    "\"score\":{\"type\":\"number\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
    "\"zip\":{\"type\":\"string\"}}}}},"
    "\"key_properties\":[\"id\"],\"bookmark_properties\":[]}",
    "{\"schema\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"integer\"},"
    "\"customer_id\":{\"type\":\"integer\"},"
    "\"amount_cents\":{\"type\":\"integer\"},"
    "\"currency\":{\"type\":\"string\"},"
    "\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"}}},"
    "\"key_properties\":[\"id\"],\"bookmark_properties\":[]}"};

/* Notes chosen to exercise CSV quoting and UTF-8; row i uses kNotes[i % 6]. */
static const char* const kNotes[] = {"plain",
                                     "comma, inside",
                                     "quote \\\"inside\\\"",
                                     "line\\nbreak and\\r\\ncrlf",
                                     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89",
                                     ""};
#define DEMO_NOTE_COUNT (sizeof kNotes / sizeof kNotes[0])

/* ---- small helpers (plugin_util.h has the same; this file uses plugin.h alone) ---- */

static etl_str str_of(const char* text) {
  etl_str s;
  s.data = text;
  s.size = strlen(text);
  return s;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static etl_status
fail(etl_error* err, etl_status code, const char* format, ...) {
  if (err != NULL && err->struct_size >= ETL_ERROR_SIZE_1_0) {
    va_list args;
    va_start(args, format);
    vsnprintf(err->message, ETL_ERROR_MESSAGE_CAPACITY, format, args);
    va_end(args);
    err->code = code;
  }
  return code;
}

static void log_info(const etl_host_api* host, const char* text) {
  if (host != NULL && host->log != NULL) host->log(host->host_ctx, ETL_LOG_INFO, str_of(text));
}

/* ---- config spec ---- */

static const etl_config_field kRecordsField = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field),
    .type = ETL_CONFIG_INTEGER,
    .key = "records",
    .default_json = "1000",
    .help = "Rows to emit into each of the two streams (customers, orders), 0 or more."};
static const etl_config_field kStateEveryField = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field),
    .type = ETL_CONFIG_INTEGER,
    .key = "state_every",
    .default_json = "1000",
    .help = "Emit a STATE after this many rows (counting both streams), 1 or more."};
static const etl_config_field kFailAfterField = {
    .struct_size = ETL_STRUCT_SIZE(etl_config_field),
    .type = ETL_CONFIG_INTEGER,
    .key = "fail_after",
    .default_json = "-1",
    .help = "Fail with an I/O error after this many rows of the run (-1: never); for testing "
            "the host's failure path."};
static const etl_config_field* const kConfigFields[] = {&kRecordsField, &kStateEveryField, &kFailAfterField};

/* ---- the instance ---- */

typedef struct demo_source {
  const etl_host_api* host;
  int64_t records;
  int64_t state_every;
  int64_t fail_after;
} demo_source;

/* Reads an integer member `"key":123` from a flat JSON object the host produced. The host
 * has already validated types, so a missing key means "use the default". */
static int read_int(const char* json, size_t size, const char* key, int64_t* out) {
  char pattern[64];
  int n = snprintf(pattern, sizeof pattern, "\"%s\":", key);
  if (n <= 0 || (size_t)n >= sizeof pattern) return 0;
  for (size_t i = 0; i + (size_t)n <= size; ++i) {
    if (memcmp(json + i, pattern, (size_t)n) == 0) {
      char digits[32];
      size_t j = i + (size_t)n, k = 0;
      while (j < size && json[j] == ' ') ++j;
      while (j < size && k + 1 < sizeof digits && (json[j] == '-' || (json[j] >= '0' && json[j] <= '9'))) {
        digits[k++] = json[j++];
      }
      digits[k] = '\0';
      if (k == 0) return 0;
      *out = strtoll(digits, NULL, 10);
      return 1;
    }
  }
  return 0;
}

static etl_status demo_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  demo_source* self = (demo_source*)calloc(1, sizeof *self);
  if (self == NULL) return fail(err, ETL_E_INTERNAL, "demo: out of memory");
  self->host = host;
  self->records = 1000;
  self->state_every = 1000;
  self->fail_after = -1;
  read_int(config.data, config.size, "records", &self->records);
  read_int(config.data, config.size, "state_every", &self->state_every);
  read_int(config.data, config.size, "fail_after", &self->fail_after);
  if (self->records < 0 || self->state_every < 1) {
    int64_t records = self->records, state_every = self->state_every;
    free(self);
    return fail(err, ETL_E_INVALID_ARGUMENT,
                "demo config: expected records >= 0 and state_every >= 1, found "
                "records=%" PRId64 " and state_every=%" PRId64,
                records, state_every);
  }
  *out_self = self;
  return ETL_OK;
}

static void demo_destroy(void* self) { free(self); }

/* ---- discover ---- */

static etl_status demo_discover(void* self_ptr, const etl_emitter* emitter, etl_error* err) {
  (void)self_ptr;
  static const char* const kMetadata =
      ",\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"inclusion\":\"available\","
      "\"selected-by-default\":true,\"table-key-properties\":[\"id\"],"
      "\"forced-replication-method\":\"INCREMENTAL\",\"valid-replication-keys\":[\"id\"]}}]}";
  char entries[DEMO_STREAM_COUNT][2048];
  etl_message messages[DEMO_STREAM_COUNT];
  const etl_message* pointers[DEMO_STREAM_COUNT];
  for (int s = 0; s < DEMO_STREAM_COUNT; ++s) {
    /* The catalog entry is the SCHEMA object with its closing brace replaced by metadata. */
    size_t schema_size = strlen(kSchemas[s]) - 1;
    int n = snprintf(entries[s], sizeof entries[s], "%.*s%s", (int)schema_size, kSchemas[s], kMetadata);
    if (n < 0 || (size_t)n >= sizeof entries[s]) {
      return fail(err, ETL_E_INTERNAL, "demo: catalog entry too long");
    }
    messages[s].struct_size = ETL_STRUCT_SIZE(etl_message);
    messages[s].kind = ETL_MSG_SCHEMA;
    messages[s].stream = str_of(kStreamNames[s]);
    messages[s].json.data = entries[s];
    messages[s].json.size = (size_t)n;
    messages[s].time_extracted_ms = 0;
    pointers[s] = &messages[s];
  }
  return emitter->emit(emitter->host_ctx, pointers, DEMO_STREAM_COUNT, err);
}

/* ---- sync ---- */

static int format_customer(char* out, size_t capacity, int64_t id) {
  return snprintf(out, capacity,
                  "{\"id\":%" PRId64 ",\"name\":\"Customer %" PRId64 "\",\"note\":%s%s%s,"
                  "\"vip\":%s,\"score\":%" PRId64 ".5,\"tags\":[\"t%" PRId64 "\",\"all\"],"
                  "\"address\":{\"city\":\"City %" PRId64 "\",\"zip\":\"%05" PRId64 "\"}}",
                  id, id, id % 7 == 6 ? "" : "\"", id % 7 == 6 ? "null" : kNotes[id % DEMO_NOTE_COUNT],
                  id % 7 == 6 ? "" : "\"", id % 3 == 0 ? "true" : "false", id, id % 5, id % 100, id % 100000);
}

static int format_order(char* out, size_t capacity, int64_t id) {
  /* One order per minute from 2026-01-01T00:00:00Z, within one year. */
  int64_t minute = id % (365 * 24 * 60);
  int64_t day = minute / (24 * 60), hour = (minute / 60) % 24, min = minute % 60;
  static const int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  while (day >= kMonthDays[month]) day -= kMonthDays[month++];
  return snprintf(out, capacity,
                  "{\"id\":%" PRId64 ",\"customer_id\":%" PRId64 ",\"amount_cents\":%" PRId64
                  ",\"currency\":\"EUR\",\"created_at\":\"2026-%02d-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":00Z\"}",
                  id, id / 2, (id * 7919) % 100000, month + 1, day + 1, hour, min);
}

/* Reads {"customers":N,"orders":M} from the committed state (empty: a first run). */
static etl_status read_state(etl_str state, int64_t done[DEMO_STREAM_COUNT], etl_error* err) {
  done[0] = done[1] = 0;
  if (state.size == 0) return ETL_OK;
  for (int s = 0; s < DEMO_STREAM_COUNT; ++s) {
    if (!read_int(state.data, state.size, kStreamNames[s], &done[s]) || done[s] < 0) {
      return fail(err, ETL_E_INVALID_STATE,
                  "demo state: expected {\"customers\":N,\"orders\":N} with N >= 0, "
                  "found %.*s",
                  state.size > 200 ? 200 : (int)state.size, state.data);
    }
  }
  return ETL_OK;
}

typedef struct demo_batch {
  char text[DEMO_BATCH][DEMO_ROW_CAPACITY];
  char state_text[128];
  etl_message messages[DEMO_BATCH + 1];
  const etl_message* pointers[DEMO_BATCH + 1];
  size_t count;
} demo_batch;

static void batch_add(demo_batch* batch, uint32_t kind, const char* stream, const char* json, int size) {
  etl_message* m = &batch->messages[batch->count];
  m->struct_size = ETL_STRUCT_SIZE(etl_message);
  m->kind = kind;
  m->stream = str_of(stream);
  m->json.data = json;
  m->json.size = (size_t)size;
  m->time_extracted_ms = 0;
  batch->pointers[batch->count] = m;
  batch->count++;
}

static etl_status batch_send(demo_batch* batch, const etl_emitter* emitter, etl_error* err) {
  etl_status status = ETL_OK;
  if (batch->count > 0) status = emitter->emit(emitter->host_ctx, batch->pointers, batch->count, err);
  batch->count = 0;
  return status;
}

static etl_status demo_sync(void* self_ptr, etl_str catalog, etl_str state, const etl_emitter* emitter,
                            etl_error* err) {
  demo_source* self = (demo_source*)self_ptr;
  (void)catalog; /* both streams are always synced: this demo has no selection */
  int64_t done[DEMO_STREAM_COUNT];
  etl_status status = read_state(state, done, err);
  if (status != ETL_OK) return status;

  demo_batch* batch = (demo_batch*)malloc(sizeof *batch);
  if (batch == NULL) return fail(err, ETL_E_INTERNAL, "demo: out of memory");
  batch->count = 0;
  for (int s = 0; s < DEMO_STREAM_COUNT; ++s) {
    batch_add(batch, ETL_MSG_SCHEMA, kStreamNames[s], kSchemas[s], (int)strlen(kSchemas[s]));
  }

  int64_t emitted = 0, since_state = 0;
  while (status == ETL_OK && (done[0] < self->records || done[1] < self->records)) {
    /* Alternate streams batch by batch, leaving one slot for a STATE. */
    int s = (done[0] <= done[1] && done[0] < self->records) ? 0 : 1;
    while (batch->count < DEMO_BATCH && done[s] < self->records && since_state < self->state_every) {
      if (self->fail_after >= 0 && emitted >= self->fail_after) {
        free(batch);
        return fail(err, ETL_E_IO, "demo: failing after %" PRId64 " rows, as configured by fail_after", emitted);
      }
      char* text = batch->text[batch->count];
      int n = s == 0 ? format_customer(text, DEMO_ROW_CAPACITY, done[s] + 1)
                     : format_order(text, DEMO_ROW_CAPACITY, done[s] + 1);
      batch_add(batch, ETL_MSG_RECORD, kStreamNames[s], text, n);
      done[s]++;
      emitted++;
      since_state++;
    }
    if (since_state >= self->state_every || (done[0] >= self->records && done[1] >= self->records)) {
      int n = snprintf(batch->state_text, sizeof batch->state_text,
                       "{\"customers\":%" PRId64 ",\"orders\":%" PRId64 "}", done[0], done[1]);
      batch_add(batch, ETL_MSG_STATE, "", batch->state_text, n);
      since_state = 0;
    }
    status = batch_send(batch, emitter, err);
  }
  if (status == ETL_OK) status = batch_send(batch, emitter, err);
  if (status == ETL_OK) {
    char line[96];
    snprintf(line, sizeof line, "emitted %" PRId64 " rows", emitted);
    log_info(self->host, line);
  }
  free(batch);
  return status;
}

/* ---- the descriptor and the entry point ---- */

static const etl_source_api kSourceApi = {.struct_size = ETL_STRUCT_SIZE(etl_source_api),
                                          .create = demo_create,
                                          .discover = demo_discover,
                                          .sync = demo_sync,
                                          .destroy = demo_destroy};

static const etl_plugin kPlugin = {.struct_size = ETL_STRUCT_SIZE(etl_plugin),
                                   .abi_version = ETL_ABI_VERSION,
                                   .kind = ETL_KIND_SOURCE,
                                   .name = "demo",
                                   .version = "1.0.0",
                                   .description = "Emits generated customers and orders rows (a plain-C example).",
                                   .config_fields = kConfigFields,
                                   .config_field_count = sizeof kConfigFields / sizeof kConfigFields[0],
                                   .source = &kSourceApi,
                                   .sink = NULL};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    return fail(err, ETL_E_ABI_MISMATCH, "demo speaks ABI major %u, the host speaks major %u", (unsigned)ETL_ABI_MAJOR,
                (unsigned)ETL_ABI_VERSION_MAJOR(host_abi_version));
  }
  *out_plugin = &kPlugin;
  return ETL_OK;
}

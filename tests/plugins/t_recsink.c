/*
 * t-recsink: a sink that records every call in a journal file (config `path`), one line
 * per event, so tests can check what the host did and in which order:
 *   restore <checkpoint or (empty)>
 *   SCHEMA <stream> | RECORD <stream> <json> | STATE <json>     (one line per message)
 *   checkpoint <text>
 *   flush <content of `state_file` at that moment, or (none)>    (proves commit-after-flush)
 *   flush FAILED | write FAILED | ... when told to fail
 *   destroy
 * Its checkpoint is {"records":N}, N = records written; restore() resets N to the
 * checkpoint's value. Failures are injected by call number (1-based; 0 = never):
 * fail_flush_at, fail_write_at, fail_checkpoint_at, fail_restore_at, closed_at_write
 * (ETL_E_CLOSED from that write).
 */
#include "fixture.h"

typedef struct recsink {
  FILE* journal;
  char state_file[512];
  int64_t records;
  int64_t fail_flush_at, fail_write_at, fail_checkpoint_at, fail_restore_at, closed_at_write;
  int64_t flushes, writes, checkpoints, restores;
  char checkpoint_text[64];
} recsink;

static const etl_config_field kPath = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_STRING, ETL_CONFIG_REQUIRED, "path", NULL, NULL, "The journal file."};
static const etl_config_field kStateFile = {ETL_STRUCT_SIZE(etl_config_field),
                                            ETL_CONFIG_STRING,
                                            0,
                                            "state_file",
                                            "\"\"",
                                            NULL,
                                            "A file to copy into the journal at each flush."};
#define INT_FIELD(var, key) \
  static const etl_config_field var = {ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, key, "0", NULL, key}
INT_FIELD(kFailFlush, "fail_flush_at");
INT_FIELD(kFailWrite, "fail_write_at");
INT_FIELD(kFailCheckpoint, "fail_checkpoint_at");
INT_FIELD(kFailRestore, "fail_restore_at");
INT_FIELD(kClosedAt, "closed_at_write");
static const etl_config_field* const kFields[] = {&kPath,           &kStateFile,   &kFailFlush, &kFailWrite,
                                                  &kFailCheckpoint, &kFailRestore, &kClosedAt};

static etl_status rec_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  char path[512];
  fixture_string(config, "path", "", path, sizeof path);
  recsink* self = (recsink*)calloc(1, sizeof *self);
  if (self == NULL) return etl_set_error(err, ETL_E_INTERNAL, 0, "out of memory");
  self->journal = fopen(path, "a");
  if (self->journal == NULL) {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-recsink config: cannot open journal '%s'", path);
  }
  fixture_string(config, "state_file", "", self->state_file, sizeof self->state_file);
  self->fail_flush_at = fixture_int(config, "fail_flush_at", 0);
  self->fail_write_at = fixture_int(config, "fail_write_at", 0);
  self->fail_checkpoint_at = fixture_int(config, "fail_checkpoint_at", 0);
  self->fail_restore_at = fixture_int(config, "fail_restore_at", 0);
  self->closed_at_write = fixture_int(config, "closed_at_write", 0);
  *out_self = self;
  return ETL_OK;
}

static void line(recsink* self, const char* prefix, const char* data, size_t size) {
  fprintf(self->journal, "%s%.*s\n", prefix, (int)size, data == NULL ? "" : data);
  fflush(self->journal);
}

static etl_status rec_restore(void* self_ptr, etl_str checkpoint, etl_error* err) {
  recsink* self = (recsink*)self_ptr;
  if (++self->restores == self->fail_restore_at) {
    line(self, "restore FAILED", "", 0);
    return etl_set_error(err, ETL_E_INVALID_STATE, 0, "t-recsink: restore failed as configured");
  }
  if (checkpoint.size == 0) {
    line(self, "restore (empty)", "", 0);
  } else {
    line(self, "restore ", checkpoint.data, checkpoint.size);
    self->records = fixture_int(checkpoint, "records", 0);
  }
  return ETL_OK;
}

static etl_status rec_write(void* self_ptr, const etl_message* const* messages, size_t count, etl_error* err) {
  recsink* self = (recsink*)self_ptr;
  ++self->writes;
  if (self->writes == self->closed_at_write) {
    line(self, "write CLOSED", "", 0);
    return etl_set_error(err, ETL_E_CLOSED, 32, "t-recsink: downstream closed (as configured)");
  }
  if (self->writes == self->fail_write_at) {
    line(self, "write FAILED", "", 0);
    return etl_set_error(err, ETL_E_IO, 28, "t-recsink: disk full (as configured)");
  }
  for (size_t i = 0; i < count; ++i) {
    const etl_message* m = messages[i];
    char prefix[160];
    if (m->kind == ETL_MSG_SCHEMA) {
      snprintf(prefix, sizeof prefix, "SCHEMA ");
      line(self, prefix, m->stream.data, m->stream.size);
    } else if (m->kind == ETL_MSG_RECORD) {
      snprintf(prefix, sizeof prefix, "RECORD %.*s ", (int)m->stream.size, m->stream.data);
      line(self, prefix, m->json.data, m->json.size);
      self->records++;
    } else {
      line(self, "STATE ", m->json.data, m->json.size);
    }
  }
  return ETL_OK;
}

static etl_status rec_checkpoint(void* self_ptr, etl_str* out, etl_error* err) {
  recsink* self = (recsink*)self_ptr;
  if (++self->checkpoints == self->fail_checkpoint_at) {
    line(self, "checkpoint FAILED", "", 0);
    return etl_set_error(err, ETL_E_IO, 0, "t-recsink: checkpoint failed as configured");
  }
  snprintf(self->checkpoint_text, sizeof self->checkpoint_text, "{\"records\":%lld}", (long long)self->records);
  *out = etl_str_of(self->checkpoint_text);
  line(self, "checkpoint ", out->data, out->size);
  return ETL_OK;
}

static etl_status rec_flush(void* self_ptr, etl_error* err) {
  recsink* self = (recsink*)self_ptr;
  if (++self->flushes == self->fail_flush_at) {
    line(self, "flush FAILED", "", 0);
    return etl_set_error(err, ETL_E_IO, 5, "t-recsink: flush failed as configured");
  }
  char content[2048] = "(none)";
  if (self->state_file[0] != '\0') {
    FILE* in = fopen(self->state_file, "r");
    if (in != NULL) {
      size_t n = fread(content, 1, sizeof content - 1, in);
      fclose(in);
      while (n > 0 && (content[n - 1] == '\n' || content[n - 1] == '\r')) --n;
      content[n] = '\0';
    }
  }
  line(self, "flush ", content, strlen(content));
  return ETL_OK;
}

static void rec_destroy(void* self_ptr) {
  recsink* self = (recsink*)self_ptr;
  line(self, "destroy", "", 0);
  fclose(self->journal);
  free(self);
}

/* The 1.1 fields are NULL: a sink of the 1.0 rule (its flush is its acknowledgement). */
static const etl_sink_api kApi = {ETL_STRUCT_SIZE(etl_sink_api),
                                  rec_create,
                                  rec_restore,
                                  rec_write,
                                  rec_checkpoint,
                                  rec_flush,
                                  rec_destroy,
                                  NULL,
                                  NULL,
                                  NULL,
                                  NULL};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SINK,
                                   "t-recsink",
                                   "0.0.1",
                                   "Test fixture: a sink that journals every call.",
                                   kFields,
                                   sizeof kFields / sizeof kFields[0],
                                   NULL,
                                   &kApi};

FIXTURE_ENTRY_POINT(kPlugin)

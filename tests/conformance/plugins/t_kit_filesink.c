/*
 * t-kit-filesink: a small sink for the conformance kit's own tests. It appends each
 * RECORD's JSON as one line to <dir>/out.jsonl. Its checkpoint is {"bytes":N}, the length
 * of everything written; restore() truncates the file back to N. `mode` breaks it on
 * purpose:
 *   ok                  correct: exactly once across crashes
 *   ignore_restore      claims checkpoints but restore() keeps everything (duplicates
 *                       after a crash; also accepts foreign checkpoints)
 *   lazy_flush          flush() returns OK but keeps the data in memory until destroy()
 *                       (records lost after a crash)
 *   singer_state_early  writes Singer lines to stdout, records buffered until flush() but
 *                       STATE lines at once (STATE before the records it covers)
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

enum { kModeOk, kModeIgnoreRestore, kModeLazyFlush, kModeSingerStateEarly };

typedef struct filesink {
  int mode;
  char dir[512];
  char path[600];
  FILE* out;
  long long bytes; /* logical length: written + buffered */
  char* pending;   /* lazy_flush and singer_state_early: bytes not yet written */
  size_t pending_size, pending_capacity;
  char checkpoint[64];
} filesink;

static const etl_config_field kDir = {ETL_STRUCT_SIZE(etl_config_field),
                                      ETL_CONFIG_STRING,
                                      0,
                                      "dir",
                                      "\"kit-out\"",
                                      NULL,
                                      "Directory of out.jsonl, created by restore()."};
static const etl_config_field kMode = {ETL_STRUCT_SIZE(etl_config_field),
                                       ETL_CONFIG_STRING,
                                       0,
                                       "mode",
                                       "\"ok\"",
                                       NULL,
                                       "ok, ignore_restore, lazy_flush or singer_state_early."};
static const etl_config_field* const kFields[] = {&kDir, &kMode};

static void pend(filesink* self, const char* data, size_t size) {
  if (self->pending_size + size > self->pending_capacity) {
    size_t capacity = self->pending_capacity * 2 + size + 4096;
    self->pending = (char*)realloc(self->pending, capacity);
    self->pending_capacity = capacity;
  }
  memcpy(self->pending + self->pending_size, data, size);
  self->pending_size += size;
}

static etl_status fs_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  filesink* self = (filesink*)calloc(1, sizeof *self);
  char mode[64];
  fixture_string(config, "dir", "kit-out", self->dir, sizeof self->dir);
  fixture_string(config, "mode", "ok", mode, sizeof mode);
  if (strcmp(mode, "ok") == 0) self->mode = kModeOk;
  else if (strcmp(mode, "ignore_restore") == 0) self->mode = kModeIgnoreRestore;
  else if (strcmp(mode, "lazy_flush") == 0) self->mode = kModeLazyFlush;
  else if (strcmp(mode, "singer_state_early") == 0) self->mode = kModeSingerStateEarly;
  else {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-kit-filesink config: unknown mode '%.40s'", mode);
  }
  if (self->dir[0] == '\0') {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-kit-filesink config: dir is empty");
  }
  snprintf(self->path, sizeof self->path, "%s/out.jsonl", self->dir);
  *out_self = self;
  return ETL_OK;
}

static etl_status open_output(filesink* self, etl_error* err) {
  if (self->out != NULL || self->mode == kModeSingerStateEarly) return ETL_OK;
  mkdir(self->dir, 0755);
  self->out = fopen(self->path, "ab");
  if (self->out == NULL) return etl_set_error(err, ETL_E_IO, errno, "t-kit-filesink: cannot open %s", self->path);
  fseek(self->out, 0, SEEK_END);
  self->bytes = ftell(self->out);
  return ETL_OK;
}

static etl_status fs_restore(void* self_ptr, etl_str checkpoint, etl_error* err) {
  filesink* self = (filesink*)self_ptr;
  self->pending_size = 0;
  if (self->mode == kModeSingerStateEarly) return ETL_OK;
  if (self->out != NULL) {
    fclose(self->out);
    self->out = NULL;
  }
  etl_status status = open_output(self, err);
  if (status != ETL_OK || checkpoint.size == 0 || self->mode == kModeIgnoreRestore) return status;
  if (fixture_find(checkpoint, "bytes") == NULL) {
    return etl_set_error(err, ETL_E_INVALID_STATE, 0, "t-kit-filesink: the checkpoint has no \"bytes\"");
  }
  long long bytes = fixture_int(checkpoint, "bytes", -1);
  if (bytes < 0) return etl_set_error(err, ETL_E_INVALID_STATE, 0, "t-kit-filesink: bad checkpoint");
  if (self->mode == kModeOk && bytes > self->bytes) {
    return etl_set_error(err, ETL_E_INVALID_STATE, 0, "t-kit-filesink: %s is shorter than committed", self->path);
  }
  fflush(self->out);
  if (ftruncate(fileno(self->out), bytes) != 0)
    return etl_set_error(err, ETL_E_IO, errno, "t-kit-filesink: truncate failed");
  fseek(self->out, 0, SEEK_END);
  self->bytes = bytes;
  return ETL_OK;
}

static etl_status fs_write(void* self_ptr, const etl_message* const* messages, size_t count, etl_error* err) {
  filesink* self = (filesink*)self_ptr;
  etl_status status = open_output(self, err);
  if (status != ETL_OK) return status;
  for (size_t i = 0; i < count; ++i) {
    const etl_message* m = messages[i];
    if (self->mode == kModeSingerStateEarly) {
      if (m->kind == ETL_MSG_RECORD) {
        pend(self, "{\"type\":\"RECORD\",\"stream\":\"", 27);
        pend(self, m->stream.data, m->stream.size);
        pend(self, "\",\"record\":", 11);
        pend(self, m->json.data, m->json.size);
        pend(self, "}\n", 2);
      } else if (m->kind == ETL_MSG_STATE) {
        fprintf(stdout, "{\"type\":\"STATE\",\"value\":%.*s}\n", (int)m->json.size, m->json.data);
        fflush(stdout);
      }
      continue;
    }
    if (m->kind != ETL_MSG_RECORD) continue;
    if (self->mode == kModeLazyFlush) {
      pend(self, m->json.data, m->json.size);
      pend(self, "\n", 1);
    } else if (fwrite(m->json.data, 1, m->json.size, self->out) != m->json.size || fputc('\n', self->out) == EOF) {
      return etl_set_error(err, ETL_E_IO, errno, "t-kit-filesink: write failed");
    }
    self->bytes += (long long)m->json.size + 1;
  }
  return ETL_OK;
}

static etl_status fs_checkpoint(void* self_ptr, etl_str* out, etl_error* err) {
  filesink* self = (filesink*)self_ptr;
  (void)err;
  if (self->mode == kModeSingerStateEarly) {
    *out = etl_str_of("");
    return ETL_OK;
  }
  snprintf(self->checkpoint, sizeof self->checkpoint, "{\"bytes\":%lld}", self->bytes);
  *out = etl_str_of(self->checkpoint);
  return ETL_OK;
}

static etl_status fs_flush(void* self_ptr, etl_error* err) {
  filesink* self = (filesink*)self_ptr;
  if (self->mode == kModeSingerStateEarly) {
    if (self->pending_size > 0) fwrite(self->pending, 1, self->pending_size, stdout);
    self->pending_size = 0;
    fflush(stdout);
    return ETL_OK;
  }
  if (self->mode == kModeLazyFlush || self->out == NULL) return ETL_OK; /* the lie */
  if (fflush(self->out) != 0 || fsync(fileno(self->out)) != 0) {
    return etl_set_error(err, ETL_E_IO, errno, "t-kit-filesink: flush failed");
  }
  return ETL_OK;
}

static void fs_destroy(void* self_ptr) {
  filesink* self = (filesink*)self_ptr;
  if (self->mode == kModeLazyFlush && self->out != NULL && self->pending_size > 0) {
    fwrite(self->pending, 1, self->pending_size, self->out);
  }
  if (self->out != NULL) fclose(self->out);
  free(self->pending);
  free(self);
}

/* The 1.1 fields are NULL: a sink of the 1.0 rule (its flush is its acknowledgement). */
static const etl_sink_api kApi = {ETL_STRUCT_SIZE(etl_sink_api),
                                  fs_create,
                                  fs_restore,
                                  fs_write,
                                  fs_checkpoint,
                                  fs_flush,
                                  fs_destroy,
                                  NULL,
                                  NULL,
                                  NULL,
                                  NULL};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SINK,
                                   "t-kit-filesink",
                                   "0.1.0",
                                   "Conformance-kit fixture: a JSON-lines file sink, broken on request.",
                                   kFields,
                                   sizeof kFields / sizeof kFields[0],
                                   NULL,
                                   &kApi};

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err) {
  if (ETL_ABI_VERSION_MAJOR(host_abi_version) != ETL_ABI_MAJOR) {
    return etl_set_error(err, ETL_E_ABI_MISMATCH, 0, "t-kit-filesink speaks ABI %u, the host %u", ETL_ABI_MAJOR,
                         ETL_ABI_VERSION_MAJOR(host_abi_version));
  }
  *out_plugin = &kPlugin;
  return ETL_OK;
}

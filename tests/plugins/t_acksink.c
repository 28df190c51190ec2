/*
 * t-acksink: an acknowledged sink (ABI 1.1: acknowledged() and finish()) whose answers
 * are scripted by config, standing in for a Singer target that loads rows in its own time.
 * It numbers the STATEs it is given 1, 2, ... and journals (config `path`, absolute) one line per:
 *   restore <checkpoint or (empty)> | STATE <json> | flush | finish | finish aborted
 *   | finish FAILED | write FAILED | destroy
 * Config keys say when a STATE counts as acknowledged:
 *   ack_every N        STATE k is acknowledged as it is written when k % N == 0 (0: never)
 *   ack_delay_ms M     a thread of its own acknowledges everything written M ms later
 *                      (finish() waits for its last round, like a target's final STATE)
 *   ack_on_finish K    what finish() acknowledges: -1 every STATE written, 0 nothing more,
 *                      K the first K (never beyond what was written)
 *   finish_fails       finish() fails with ETL_E_DOWNSTREAM, detail 3 (the target's exit
 *                      status), after what ack_on_finish acknowledged
 *   downstream_at_write N   write N (1-based) fails with ETL_E_DOWNSTREAM
 *   not_implemented    acknowledged() returns ETL_E_NOT_IMPLEMENTED: the 1.0 rule
 *   overshoot          acknowledged() reports one STATE more than written (a broken sink)
 */
#include <pthread.h>
#include <time.h>

#include "fixture.h"

typedef struct acksink {
  FILE* journal;
  int64_t ack_every, ack_delay_ms, ack_on_finish, finish_fails, downstream_at_write, not_implemented, overshoot;
  int64_t writes;
  pthread_mutex_t lock; /* guards the four below: the ack thread reads and writes them */
  uint64_t written, acked;
  int stopping; /* finish(): deliver the last acks, then end */
  int quit;     /* destroy(): end now */
  pthread_t thread;
  int has_thread;
} acksink;

#define INT_FIELD(var, key, fallback)   \
  static const etl_config_field var = { \
      ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_INTEGER, 0, key, fallback, NULL, key}
static const etl_config_field kPath = {
    ETL_STRUCT_SIZE(etl_config_field), ETL_CONFIG_STRING, ETL_CONFIG_REQUIRED, "path", NULL, NULL, "The journal file."};
INT_FIELD(kAckEvery, "ack_every", "0");
INT_FIELD(kAckDelay, "ack_delay_ms", "0");
INT_FIELD(kAckOnFinish, "ack_on_finish", "-1");
INT_FIELD(kFinishFails, "finish_fails", "0");
INT_FIELD(kDownstreamAt, "downstream_at_write", "0");
INT_FIELD(kNotImplemented, "not_implemented", "0");
INT_FIELD(kOvershoot, "overshoot", "0");
static const etl_config_field* const kFields[] = {&kPath,        &kAckEvery,     &kAckDelay,       &kAckOnFinish,
                                                  &kFinishFails, &kDownstreamAt, &kNotImplemented, &kOvershoot};

static void line(acksink* self, const char* prefix, const char* data, size_t size) {
  fprintf(self->journal, "%s%.*s\n", prefix, (int)size, data == NULL ? "" : data);
  fflush(self->journal);
}

static void sleep_ms(int64_t ms) {
  struct timespec t;
  t.tv_sec = (time_t)(ms / 1000);
  t.tv_nsec = (long)(ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

static int quitting(acksink* self) {
  pthread_mutex_lock(&self->lock);
  const int quit = self->quit;
  pthread_mutex_unlock(&self->lock);
  return quit;
}

/* The "target": every ack_delay_ms it acknowledges what had been written one round before. */
static void* ack_thread(void* arg) {
  acksink* self = (acksink*)arg;
  uint64_t seen = 0;
  for (;;) {
    for (int64_t slept = 0; slept < self->ack_delay_ms; slept += 5) {
      if (quitting(self)) return NULL;
      sleep_ms(5);
    }
    pthread_mutex_lock(&self->lock);
    if (seen > self->acked) self->acked = seen;
    const int stop = self->stopping && self->acked == self->written;
    seen = self->written;
    pthread_mutex_unlock(&self->lock);
    if (stop) return NULL;
  }
}

static etl_status ack_create(const etl_host_api* host, etl_str config, void** out_self, etl_error* err) {
  (void)host;
  char path[512];
  fixture_string(config, "path", "", path, sizeof path);
  /* Absolute only: the conformance kit tries odd values for every string key, and a
   * relative one would litter the working directory with journals. */
  if (path[0] != '/') {
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-acksink config: 'path' must be absolute, got '%s'", path);
  }
  acksink* self = (acksink*)calloc(1, sizeof *self);
  if (self == NULL) return etl_set_error(err, ETL_E_INTERNAL, 0, "out of memory");
  self->journal = fopen(path, "a");
  if (self->journal == NULL) {
    free(self);
    return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "t-acksink config: cannot open journal '%s'", path);
  }
  self->ack_every = fixture_int(config, "ack_every", 0);
  self->ack_delay_ms = fixture_int(config, "ack_delay_ms", 0);
  self->ack_on_finish = fixture_int(config, "ack_on_finish", -1);
  self->finish_fails = fixture_int(config, "finish_fails", 0);
  self->downstream_at_write = fixture_int(config, "downstream_at_write", 0);
  self->not_implemented = fixture_int(config, "not_implemented", 0);
  self->overshoot = fixture_int(config, "overshoot", 0);
  pthread_mutex_init(&self->lock, NULL);
  if (self->ack_delay_ms > 0) self->has_thread = pthread_create(&self->thread, NULL, ack_thread, self) == 0;
  *out_self = self;
  return ETL_OK;
}

static etl_status ack_restore(void* self_ptr, etl_str checkpoint, etl_error* err) {
  (void)err;
  acksink* self = (acksink*)self_ptr;
  if (checkpoint.size == 0) {
    line(self, "restore (empty)", "", 0);
  } else {
    line(self, "restore ", checkpoint.data, checkpoint.size);
  }
  return ETL_OK;
}

static etl_status ack_write(void* self_ptr, const etl_message* const* messages, size_t count, etl_error* err) {
  acksink* self = (acksink*)self_ptr;
  if (++self->writes == self->downstream_at_write) {
    line(self, "write FAILED", "", 0);
    return etl_set_error(err, ETL_E_DOWNSTREAM, 3, "t-acksink: target 'test-target' stopped reading (as configured)");
  }
  for (size_t i = 0; i < count; ++i) {
    if (messages[i]->kind != ETL_MSG_STATE) continue;
    line(self, "STATE ", messages[i]->json.data, messages[i]->json.size);
    pthread_mutex_lock(&self->lock);
    ++self->written;
    if (self->ack_every > 0 && self->written % (uint64_t)self->ack_every == 0) self->acked = self->written;
    pthread_mutex_unlock(&self->lock);
  }
  return ETL_OK;
}

static etl_status ack_flush(void* self_ptr, etl_error* err) {
  (void)err;
  line((acksink*)self_ptr, "flush", "", 0);
  return ETL_OK;
}

static etl_status ack_acknowledged(void* self_ptr, uint64_t* out_states, etl_error* err) {
  acksink* self = (acksink*)self_ptr;
  if (self->not_implemented) return etl_set_error(err, ETL_E_NOT_IMPLEMENTED, 0, "t-acksink: flush is the ack");
  pthread_mutex_lock(&self->lock);
  *out_states = self->overshoot ? self->written + 1 : self->acked;
  pthread_mutex_unlock(&self->lock);
  return ETL_OK;
}

/* `now`: end without the last acks (destroy), else after them (finish). */
static void join_ack_thread(acksink* self, int now) {
  if (!self->has_thread) return;
  pthread_mutex_lock(&self->lock);
  self->stopping = 1;
  if (now) self->quit = 1;
  pthread_mutex_unlock(&self->lock);
  pthread_join(self->thread, NULL);
  self->has_thread = 0;
}

static etl_status ack_finish(void* self_ptr, uint32_t flags, etl_error* err) {
  acksink* self = (acksink*)self_ptr;
  const int aborted = (flags & ETL_FINISH_ABORTED) != 0;
  join_ack_thread(self, 0);
  pthread_mutex_lock(&self->lock);
  uint64_t target = self->ack_on_finish < 0 ? self->written : (uint64_t)self->ack_on_finish;
  if (target > self->written) target = self->written;
  if (target > self->acked) self->acked = target;
  pthread_mutex_unlock(&self->lock);
  if (self->finish_fails) {
    line(self, "finish FAILED", "", 0);
    return etl_set_error(err, ETL_E_DOWNSTREAM, 3, "t-acksink: target 'test-target' exited with status 3");
  }
  line(self, aborted ? "finish aborted" : "finish", "", 0);
  return ETL_OK;
}

static void ack_destroy(void* self_ptr) {
  acksink* self = (acksink*)self_ptr;
  join_ack_thread(self, 1);
  line(self, "destroy", "", 0);
  fclose(self->journal);
  pthread_mutex_destroy(&self->lock);
  free(self);
}

static const etl_sink_api kApi = {ETL_STRUCT_SIZE(etl_sink_api),
                                  ack_create,
                                  ack_restore,
                                  ack_write,
                                  NULL,
                                  ack_flush,
                                  ack_destroy,
                                  ack_acknowledged,
                                  ack_finish,
                                  NULL,
                                  NULL};
static const etl_plugin kPlugin = {ETL_STRUCT_SIZE(etl_plugin),
                                   ETL_ABI_VERSION,
                                   ETL_KIND_SINK,
                                   "t-acksink",
                                   "0.0.1",
                                   "Test fixture: an acknowledged sink with scripted acks.",
                                   kFields,
                                   sizeof kFields / sizeof kFields[0],
                                   NULL,
                                   &kApi};

FIXTURE_ENTRY_POINT(kPlugin)

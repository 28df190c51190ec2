/*
 * etlhost/plugin.h: the etlhost plugin ABI, version 1.2.
 *
 * This header is the whole contract between the `etlhost` executable (the host) and the
 * plugins it loads with dlopen (sources, which read data, and sinks, which write it). It is
 * plain C99 with only <stddef.h> and <stdint.h>, compiles as C and as C++, and is the only
 * thing a plugin must include. Everything else in the SDK (the C++ layer in plugin.hpp, the
 * CMake helpers) is convenience on top of it.
 *
 * ----------------------------------------------------------------------------------------
 * 1. Shape
 * ----------------------------------------------------------------------------------------
 * A plugin is a shared library that exports exactly one symbol, `etl_plugin_entry`. The host
 * calls it and receives a pointer to a static, read-only `etl_plugin` descriptor: name,
 * version, kind, description, the config spec, and a table of callbacks (`etl_source_api`
 * or `etl_sink_api`). All further calls go through those tables.
 *
 *   source: create(config) -> discover(emitter) | sync(catalog, state, emitter) -> destroy
 *   sink:   create(config) -> restore(checkpoint) -> write(batch)* / checkpoint / flush
 *           -> [restore(checkpoint) after a failed run] -> destroy
 *
 * Data crosses the boundary as batches of `etl_message`: SCHEMA, RECORD and STATE, each
 * carrying UTF-8 JSON text in Singer's model, so a Singer sink forwards records without
 * re-parsing them.
 *
 * ----------------------------------------------------------------------------------------
 * 2. Versioning and growth (how a plugin built today keeps loading tomorrow)
 * ----------------------------------------------------------------------------------------
 * - ETL_ABI_VERSION = (major << 16) | minor. A major change breaks binary compatibility and
 *   the host refuses a plugin whose major differs from its own. A minor change only appends.
 * - Every struct that may grow starts with `uint32_t struct_size`, set by whoever fills the
 *   struct to sizeof() of the struct as that party compiled it. A reader never reads a field
 *   that lies beyond the writer's struct_size: such a field counts as zero / NULL. Use
 *   ETL_HAS_FIELD() to test. New fields are only ever appended; existing fields never move,
 *   change type or change meaning.
 * - Arrays of growable structs are passed as arrays of pointers, so each element carries
 *   its own struct_size and no one ever has to know another party's sizeof.
 * - Status codes and message kinds are #defines, never enums, so their width is fixed. A
 *   receiver treats an unknown status as ETL_E_INTERNAL and must reject (not ignore) an
 *   unknown message kind.
 * - Per-version sizes (ETL_*_SIZE_1_0) are given below each struct; tests assert them.
 *
 * ----------------------------------------------------------------------------------------
 * 3. Ownership and lifetime, in one rule
 * ----------------------------------------------------------------------------------------
 * Nothing is ever freed across the boundary by the other side. Whoever allocates memory
 * frees it. Concretely:
 * - Inputs to a call (strings, message arrays, config and state text) are BORROWED: valid
 *   only until the call returns. Copy what you need to keep.
 * - The descriptor and everything it points to are STATIC in the plugin: valid until the
 *   host dlcloses the library, which happens only after every instance was destroyed.
 * - Text a plugin returns through an out-parameter (a sink checkpoint) is owned by the
 *   plugin instance and stays valid until the next call on that instance or destroy().
 * - Errors are written into a HOST-OWNED `etl_error` buffer; there is nothing to free.
 * - `self` (the instance) is created by the plugin's create() and freed by its destroy().
 *
 * ----------------------------------------------------------------------------------------
 * 4. Threads
 * ----------------------------------------------------------------------------------------
 * - The host calls one instance from one thread at a time (it may be a different thread
 *   from call to call, never two at once). Different instances may run concurrently, so a
 *   plugin keeps no mutable global state outside its instances.
 * - A plugin may start its own threads (to prefetch, say). Only the host services marked
 *   "any thread" (log, is_cancelled, count) may be called from them. The emitter may only
 *   be called from the thread that is inside discover() or sync().
 * - A plugin must join its threads before destroy() returns.
 *
 * ----------------------------------------------------------------------------------------
 * 5. What a plugin must never do
 * ----------------------------------------------------------------------------------------
 * - Let a C++ exception, a longjmp or a signal cross the boundary; call exit(), abort() or
 *   _exit(); change process-wide state (signal handlers, locale, umask, current directory,
 *   environment, stdio buffering).
 * - Write to stdout. stdout belongs to the data stream of the `singer` sink. Log through
 *   the host's log service, which writes to stderr with the plugin's name.
 * - Log, return in an error message, or write into state or a checkpoint any config value
 *   whose field is flagged ETL_CONFIG_SECRET. (The host also redacts them, as a backstop.)
 * - Free memory it did not allocate, or keep a borrowed pointer past its call.
 *
 * ----------------------------------------------------------------------------------------
 * 6. Errors
 * ----------------------------------------------------------------------------------------
 * Every fallible callback returns an etl_status and takes an `etl_error*` that the host
 * allocated, zeroed and stamped with struct_size. On failure the callee fills `code` (the
 * same value it returns), optionally `detail` (an HTTP status, an errno), and `message`: a
 * NUL-terminated, UTF-8 sentence that names the thing, what was expected and what was
 * found, truncated to fit. ETL_OK means the error buffer was left untouched.
 *
 * ----------------------------------------------------------------------------------------
 * 7. State and the durability barrier (why no record is lost or duplicated)
 * ----------------------------------------------------------------------------------------
 * A source emits STATE only at points where every record it emitted before is complete
 * (e.g. after a whole FullStory bundle). The host passes records and the STATE to the sink
 * in order and asks the sink for its checkpoint right after the write() that carried the
 * STATE: that (source state, sink checkpoint) pair is now pending. Later, after a flush()
 * that returned ETL_OK, the host commits the pair atomically to the state file. The host
 * may coalesce: it can keep writing later records before that flush and then commit the
 * older pending pair (the flush made everything up to the pair's point durable, and more).
 * On the next run the source receives the committed state in sync() and the sink the
 * committed checkpoint in restore(), and the sink discards anything written after it.
 *
 * Baseline: when a run keeps state, the host commits (unchanged source state, the sink's
 * checkpoint right after restore()) before the first write. So even a run killed before
 * its first STATE leaves a checkpoint that says which output predates it.
 *
 * A sink that can discard (csv) gives exactly-once output across crashes; one that cannot
 * (singer, whose output already left the process) gives at-least-once.
 *
 * Acknowledged sinks (1.1): for some sinks flush() proves nothing: a Singer target that
 * reads the sink's output buffers rows and loads them later, and only its own STATE output
 * says what is loaded. Such a sink implements acknowledged(): it numbers the STATE messages
 * it was given in this run 1, 2, 3... in write() order and reports how many are durable
 * downstream. The host then commits the pair of STATE n only when acknowledged() >= n (and,
 * while the run goes on, a flush() that returned ETL_OK came after its write), keeps
 * streaming while acks are pending, and makes no baseline commit. At the end of every run
 * (success, failure or stop) it calls finish(): the sink delivers what it has, lets the
 * downstream finish, and acknowledged() is final after it. What was acknowledged is then
 * committed even when the run failed and the last flush() failed with it: the downstream
 * already has those STATEs (a target that loaded them, then died, keeps them). A sink
 * without acknowledged() (NULL, a 1.0 sink, or one that returns ETL_E_NOT_IMPLEMENTED)
 * keeps the 1.0 rule: flush() is the ack.
 *
 * Identity (1.2): a state belongs to one account and one output. A source's identity()
 * (where the data comes from: an API address and a fingerprint of the account) and a
 * sink's identity() (where it goes: an output directory) are recorded in the state file
 * with every commit; a later run whose identities differ is refused before any data
 * moves, so a simulator's bookmark never resumes a real account and two accounts never
 * share one output by accident. Full refresh (1.2, `--full-refresh`): the host first
 * commits an empty state (no source state, no checkpoint), then calls the sink's reset()
 * and restore(empty); a crash during the refresh thus leaves a state that starts over.
 *
 * ----------------------------------------------------------------------------------------
 * 8. Telling the user what is going on (1.2)
 * ----------------------------------------------------------------------------------------
 * A run can take hours, most of it waiting for a rate limit. Three host services let the
 * host show a live progress line (on a terminal), periodic lines (in logs), an ETA and a
 * run record (`etlhost history`) without knowing the source: plan() says how much work
 * there is and the fastest it can go, activity() says what the source is doing now
 * (working, waiting for a slot, retrying), report_unit() describes each finished piece of
 * work (a bundle: its id, range, bytes, records, attempts, waits). A source that calls none
 * of them still runs; the host then shows only counters. Two source callbacks serve the
 * commands that move no data: check() (`etlhost check`: does the config work?) and plan()
 * (`etlhost run --dry-run`: what would a run fetch?).
 */
#ifndef ETLHOST_PLUGIN_H
#define ETLHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Versions, export and helpers
 * ------------------------------------------------------------------------------------- */

#define ETL_ABI_MAJOR 1u
#define ETL_ABI_MINOR 2u
/* Casts that compile cleanly as C and as C++ (where -Wold-style-cast is common). */
#ifdef __cplusplus
#define ETL_CAST(type, value) (static_cast<type>(value))
#define ETL_FIELD_SIZE(type, field) sizeof(type::field)
#else
#define ETL_CAST(type, value) ((type)(value))
#define ETL_FIELD_SIZE(type, field) sizeof(((const type*)0)->field)
#endif

/** The ABI version this header describes. */
#define ETL_ABI_VERSION ((ETL_ABI_MAJOR << 16) | ETL_ABI_MINOR)
#define ETL_ABI_VERSION_MAJOR(v) (ETL_CAST(uint32_t, v) >> 16)
#define ETL_ABI_VERSION_MINOR(v) (ETL_CAST(uint32_t, v) & 0xffffu)

/** Marks the one symbol a plugin exports. Build plugins with hidden visibility. */
#if defined(_WIN32)
#define ETL_EXPORT __declspec(dllexport)
#else
#define ETL_EXPORT __attribute__((visibility("default")))
#endif

/** The name the host looks up with dlsym. */
#define ETL_PLUGIN_ENTRY_SYMBOL "etl_plugin_entry"

/** The value to put in struct_size when you fill a struct of `type`. */
#define ETL_STRUCT_SIZE(type) ETL_CAST(uint32_t, sizeof(type))

/** True when `ptr` (a `const type*`) was filled by a party that knew `field`. */
#define ETL_HAS_FIELD(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + ETL_FIELD_SIZE(type, field))

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */

typedef int32_t etl_status;

#define ETL_OK 0
/** Something failed and nothing better describes it. */
#define ETL_E_UNKNOWN 1
/** The callee does not implement this (optional) operation. */
#define ETL_E_NOT_IMPLEMENTED 2
/** A config value or call argument is wrong. The message names the key. */
#define ETL_E_INVALID_ARGUMENT 3
/** A state, checkpoint or catalog is not understood, or a call came out of order. */
#define ETL_E_INVALID_STATE 4
/** Data from upstream is malformed (a bundle that is not JSON, a record that is not an object). */
#define ETL_E_INVALID_DATA 5
/** File or network I/O failed. */
#define ETL_E_IO 6
/** The credentials were rejected (HTTP 401). */
#define ETL_E_UNAUTHENTICATED 7
/** The credentials are valid but lack permission, or the account lacks the feature (HTTP 403). */
#define ETL_E_PERMISSION_DENIED 8
/** A remote resource does not exist (HTTP 404). */
#define ETL_E_NOT_FOUND 9
/** A rate limit was hit and the retry budget ran out. */
#define ETL_E_RATE_LIMITED 10
/** An operation timed out and the retry budget ran out. */
#define ETL_E_TIMEOUT 11
/** The host asked to stop (SIGINT/SIGTERM). Returned by emit(); the source then returns it. */
#define ETL_E_CANCELLED 12
/** The consumer downstream went away (a closed pipe). Not an error of the data. */
#define ETL_E_CLOSED 13
/** The ABI versions of host and plugin are incompatible. */
#define ETL_E_ABI_MISMATCH 14
/** A bug: an invariant broke, an exception was caught at the boundary. */
#define ETL_E_INTERNAL 15
/**
 * 1.1: what the sink delivers to failed: a Singer target process that exited non-zero, died
 * by a signal or stopped reading; a database that refused the load. `detail` carries the
 * target's exit status (128 + N for a signal N) when there is one; the message names the
 * target and quotes its last stderr lines. A 1.0 host reads it as ETL_E_INTERNAL.
 */
#define ETL_E_DOWNSTREAM 16

/* ---------------------------------------------------------------------------------------
 * Strings and errors
 * ------------------------------------------------------------------------------------- */

/**
 * A borrowed view of UTF-8 text: `size` bytes at `data`, NOT NUL-terminated (there may or
 * may not be a NUL after it; never rely on one). `data` may be NULL only when `size` is 0.
 * Who owns the bytes and how long they live is stated wherever an etl_str appears.
 */
typedef struct etl_str {
  const char* data;
  size_t size;
} etl_str;

/** Capacity of etl_error.message, terminating NUL included. */
#define ETL_ERROR_MESSAGE_CAPACITY 1024

/**
 * An error report. Allocated, zeroed and stamped with struct_size by the HOST before every
 * fallible call; filled by the callee on failure; read by the host after the call returns.
 * Nothing in it is a pointer, so there is nothing to free.
 */
typedef struct etl_error {
  /** Set by the host. A callee writes only fields that fit in it (ETL_HAS_FIELD). */
  uint32_t struct_size;
  /** The status the callee returns. */
  etl_status code;
  /** An optional detail number, e.g. the HTTP status or errno; 0 when none. */
  int32_t detail;
  /**
   * One or more sentences, NUL-terminated UTF-8, truncated to fit. Names the thing, what
   * was expected and what was found. Never contains a secret config value.
   */
  char message[ETL_ERROR_MESSAGE_CAPACITY];
} etl_error;

#define ETL_ERROR_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_error, message) + ETL_ERROR_MESSAGE_CAPACITY)

/* ---------------------------------------------------------------------------------------
 * Host services (host -> plugin)
 * ------------------------------------------------------------------------------------- */

#define ETL_LOG_ERROR 1
#define ETL_LOG_WARN 2
#define ETL_LOG_INFO 3
#define ETL_LOG_DEBUG 4

/**
 * Services the host offers a plugin instance. Passed to create(); the pointer and every
 * function in it stay valid until that instance's destroy() returns, so an instance may
 * keep the pointer. Owned by the host. Read-only for the plugin.
 *
 * Before calling a service added after 1.0, check ETL_HAS_FIELD(host, etl_host_api, name).
 */
typedef struct etl_host_api {
  /** sizeof(etl_host_api) as the host compiled it. */
  uint32_t struct_size;
  /** The host's ETL_ABI_VERSION. */
  uint32_t abi_version;
  /** Opaque; pass it back as the first argument of every service. */
  void* host_ctx;
  /**
   * Writes one log line to stderr, prefixed with time, level and the plugin's name.
   * `message` is borrowed for the call; a trailing newline is not needed. Lines below the
   * user's --log-level are dropped. Secret config values are redacted as a backstop.
   * Threads: any thread. Never blocks for long.
   */
  void (*log)(void* host_ctx, int32_t level, etl_str message);
  /**
   * Returns nonzero once the user asked the run to stop (SIGINT/SIGTERM). Check it while
   * waiting (retry sleeps, rate-limit pauses, slow reads) and give up promptly, returning
   * ETL_E_CANCELLED. Threads: any thread. Cheap (an atomic load).
   */
  int32_t (*is_cancelled)(void* host_ctx);
  /**
   * Adds `delta` to the progress counter named `counter` (e.g. "bundles", "bytes"). The
   * host shows counters in progress lines and the run summary. `counter` is borrowed for
   * the call; use a small fixed set of names, [a-z0-9_]. Threads: any thread.
   */
  void (*count)(void* host_ctx, etl_str counter, int64_t delta);

  /* ---- Added in 1.2 (section 8; check ETL_HAS_FIELD before calling) ---- */

  /**
   * Declares how much work this run has for the counter `counter` (a name count() uses):
   * `total` units (e.g. 365 "bundles"), none done in less than `min_ms_per_unit` ms (a
   * rate limit's floor: 30000 for 2 downloads a minute; 0 when there is none). The host
   * shows done / total and an ETA of remaining x max(observed ms per unit, the floor).
   * Call it once the work is known (after listing) and again when it changes; the last
   * call wins. `counter` is borrowed for the call. Threads: any thread.
   */
  void (*plan)(void* host_ctx, etl_str counter, int64_t total, int64_t min_ms_per_unit);
  /**
   * Says what the source does from now on, until its next activity() call: `activity` is
   * an ETL_ACTIVITY_* value, `what` (borrowed; one short line, no secrets) says what
   * ("downloading bundle 1718928000 (2 of 365)", "HTTP 503 from export/get"), and
   * `until_ms` is when a wait ends (Unix epoch ms; 0 when unknown or not a wait). The host
   * shows it on the progress line and sums the time spent in ETL_ACTIVITY_WAITING and
   * ETL_ACTIVITY_RETRYING as the run's time waiting for the API. Threads: any thread.
   */
  void (*activity)(void* host_ctx, uint32_t activity, etl_str what, int64_t until_ms);
  /**
   * Records one finished unit of work in the run's record (`etlhost history`, --report):
   * `unit_json` (borrowed) is one JSON object, by convention with "stream", "id" and any of
   * "start", "end" (RFC 3339), "bytes", "records", "attempts", "wait_ms". The host keeps a
   * bounded number per run and counts the rest. Report a unit once its records were
   * emitted. Threads: any thread.
   */
  void (*report_unit)(void* host_ctx, etl_str unit_json);
} etl_host_api;

#define ETL_HOST_API_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_host_api, count) + sizeof(void*))
#define ETL_HOST_API_SIZE_1_2 ETL_CAST(uint32_t, offsetof(etl_host_api, report_unit) + sizeof(void*))

/** activity(): doing the work itself (listing, downloading, decoding). */
#define ETL_ACTIVITY_WORKING 1u
/** activity(): waiting for the remote side: a rate-limit slot, an export being prepared. */
#define ETL_ACTIVITY_WAITING 2u
/** activity(): waiting before another attempt after a transient failure (`what` names it). */
#define ETL_ACTIVITY_RETRYING 3u

/* ---------------------------------------------------------------------------------------
 * Messages and the emitter (source -> host -> sink)
 * ------------------------------------------------------------------------------------- */

/**
 * SCHEMA: `stream` names the stream; `json` is an object
 *   {"schema": <JSON Schema>, "key_properties": [..], "bookmark_properties": [..]}
 * and, when emitted from discover(), also "metadata": [<Singer metadata entries>]. The
 * host requires a stream's SCHEMA before its first RECORD and passes it on to the sink.
 */
#define ETL_MSG_SCHEMA 1u
/**
 * RECORD: `stream` names the stream; `json` is the record, one JSON object, on ONE line (no
 * CR or LF bytes: JSON escapes them inside strings). Integers keep their exact digits.
 */
#define ETL_MSG_RECORD 2u
/**
 * STATE: `stream` is empty; `json` is the source's whole state (any JSON value, usually an
 * object), opaque to the host. Emit it only where every record emitted before it is
 * complete: the host commits it once those records are durable.
 */
#define ETL_MSG_STATE 3u

/**
 * One message. Filled by the source; borrowed by the host and the sink for the duration of
 * the emit() / write() call that carries it, so all pointers in it (and the bytes they
 * point to) must stay valid until that call returns, and no longer.
 */
typedef struct etl_message {
  /** sizeof(etl_message) as the filler compiled it. */
  uint32_t struct_size;
  /** ETL_MSG_SCHEMA, ETL_MSG_RECORD or ETL_MSG_STATE. */
  uint32_t kind;
  /** The stream name, [A-Za-z0-9_.-]+; empty for STATE. */
  etl_str stream;
  /** The JSON text described under the kind; valid UTF-8. */
  etl_str json;
  /**
   * RECORD only: when the record was read from upstream, in milliseconds since the Unix
   * epoch (UTC); 0 when unknown, and the sink then uses the time it writes the record.
   */
  int64_t time_extracted_ms;
} etl_message;

#define ETL_MESSAGE_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_message, time_extracted_ms) + sizeof(int64_t))

/**
 * How a source hands messages to the host. Owned by the host; passed to discover() and
 * sync() and valid only during that call, only on the calling thread.
 */
typedef struct etl_emitter {
  /** sizeof(etl_emitter) as the host compiled it. */
  uint32_t struct_size;
  /** Opaque; pass it back to emit(). */
  void* host_ctx;
  /**
   * Hands `count` messages (an array of `count` pointers) to the host, in order. Batch
   * records (hundreds per call), never one call per record. Everything is borrowed and
   * may be reused by the source as soon as emit() returns. Returns ETL_OK, or a failure
   * the source must not swallow: stop work and return the same status from discover() or
   * sync() (ETL_E_CANCELLED after a stop request, ETL_E_CLOSED when the consumer went
   * away, the sink's error, or ETL_E_INVALID_DATA for a message that broke the protocol).
   * On failure the host fills *err (the source may pass its own err through).
   * Threads: only the thread inside discover() / sync().
   */
  etl_status (*emit)(void* host_ctx, const etl_message* const* messages, size_t count, etl_error* err);
} etl_emitter;

#define ETL_EMITTER_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_emitter, emit) + sizeof(void*))

/* ---------------------------------------------------------------------------------------
 * Config spec
 * ------------------------------------------------------------------------------------- */

#define ETL_CONFIG_STRING 1u
/** A JSON integer within int64. */
#define ETL_CONFIG_INTEGER 2u
/** Any JSON number. */
#define ETL_CONFIG_NUMBER 3u
#define ETL_CONFIG_BOOLEAN 4u
/** Any JSON value (object, array): passed through as is. */
#define ETL_CONFIG_JSON 5u

/** The key must be present (after defaults and environment) or the host refuses to run. */
#define ETL_CONFIG_REQUIRED 0x1u
/**
 * The value is a secret (an API key). The host never prints it, never accepts it on the
 * command line (argv is visible to every user through ps), redacts it from plugin logs
 * and errors, and the plugin never writes it anywhere.
 */
#define ETL_CONFIG_SECRET 0x2u

/**
 * One key of a plugin's config. Static in the plugin (see etl_plugin). The host validates
 * the user's config against these before it calls create(): unknown keys, wrong types and
 * missing required keys are refused with a clear message, so create() sees only known keys
 * of the right JSON type (plus defaults). create() still checks values (ranges, formats).
 */
typedef struct etl_config_field {
  /** sizeof(etl_config_field) as the plugin compiled it. */
  uint32_t struct_size;
  /** ETL_CONFIG_STRING, _INTEGER, _NUMBER, _BOOLEAN or _JSON. */
  uint32_t type;
  /** ETL_CONFIG_REQUIRED | ETL_CONFIG_SECRET, or 0. A host ignores bits it does not know
   *  (a later minor may add flags that older hosts can safely disregard). */
  uint32_t flags;
  /** The key, [a-z0-9_]+, unique in the plugin. */
  const char* key;
  /** The default as JSON text ("100", "\"out\"", "true"), or NULL for none. */
  const char* default_json;
  /**
   * An environment variable the host reads when the user's config lacks the key (e.g.
   * "FULLSTORY_API_KEY"), or NULL. Its text is converted to `type`.
   */
  const char* env;
  /** One or two sentences for `etlhost describe`; what the key does, units, range. */
  const char* help;
} etl_config_field;

#define ETL_CONFIG_FIELD_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_config_field, help) + sizeof(void*))

/* ---------------------------------------------------------------------------------------
 * Source and sink callback tables
 * ------------------------------------------------------------------------------------- */

/**
 * A source's callbacks. Static in the plugin. Required: create, sync, destroy. discover may
 * be NULL (the host then reports the source has no catalog).
 */
typedef struct etl_source_api {
  /** sizeof(etl_source_api) as the plugin compiled it. */
  uint32_t struct_size;
  /**
   * Creates an instance. `host` stays valid until destroy(). `config_json` (borrowed) is a
   * JSON object already validated against the config spec, defaults filled in. Check
   * values, allocate, but do no network or file I/O yet: create() is also used to validate
   * a config. On success store the instance in *out_self (never NULL on success).
   */
  etl_status (*create)(const etl_host_api* host, etl_str config_json, void** out_self, etl_error* err);
  /**
   * Emits one SCHEMA message per stream the source offers, each with "metadata" (Singer
   * catalog metadata: table-key-properties, forced-replication-method, valid-replication-
   * keys, inclusion). The host prints the catalog. No RECORD or STATE here.
   * A catalog should not need credentials: for `etlhost discover` the host does not enforce
   * ETL_CONFIG_REQUIRED, so the instance may come from a create() whose config lacks
   * required keys. create() must accept that; a source that truly needs a key to discover
   * reports ETL_E_INVALID_ARGUMENT naming it. sync() always gets every required key.
   */
  etl_status (*discover)(void* self, const etl_emitter* emitter, etl_error* err);
  /**
   * Reads data. `catalog_json` is a Singer catalog {"streams": [...]} whose streams may be
   * de-selected with metadata "selected": false, or empty (size 0) for "every stream".
   * `state_json` is the last committed STATE value, or empty for a first run. Both are
   * borrowed for the call. Emit SCHEMA before a stream's first RECORD, RECORDs in batches,
   * and STATE after the records it covers. Return ETL_OK when all available data was
   * emitted. Check host->is_cancelled while waiting; when emit() fails, return its status.
   */
  etl_status (*sync)(void* self, etl_str catalog_json, etl_str state_json, const etl_emitter* emitter, etl_error* err);
  /** Frees the instance and joins its threads. Must not fail; never called with NULL. */
  void (*destroy)(void* self);

  /* ---- Added in 1.2 (read only when ETL_HAS_FIELD says the plugin filled them) ---- */

  /**
   * Optional (NULL: `etlhost check` reports that the source cannot be checked). Verifies
   * that the config works with the cheapest real request the source can make (for an API:
   * address, TLS, credentials, entitlement), and returns ETL_OK or the failure sync() would
   * meet, with the same status and message. Fast: permanent failures (an unknown host, a
   * TLS mismatch, a rejected key) at once, transient ones retried for seconds, not minutes.
   * Logs what it verified at INFO. Emits nothing, writes nothing. Gets every required key.
   */
  etl_status (*check)(void* self, etl_error* err);
  /**
   * Optional (NULL or ETL_E_NOT_IMPLEMENTED: no identity, nothing is compared). Where the
   * data comes from, as one JSON object in *out_identity: owned by the instance, valid
   * until the next call on it. Members are compared as they are, so keep them canonical
   * (e.g. {"base_url": "https://api.fullstory.com", "account": "<fingerprint>"}); an
   * optional "location" string is what the host shows the user. Never a secret, nor
   * anything a secret can be recovered from (a fingerprint is a salted hash, truncated).
   * No I/O: computed from the config. The host records it in the state file (section 7).
   */
  etl_status (*identity)(void* self, etl_str* out_identity, etl_error* err);
  /**
   * Optional (NULL: `--dry-run` is refused for this source). What sync() would fetch given
   * the same `catalog_json` and `state_json`, without fetching data, emitting or changing
   * anything: one JSON object in *out_plan (owned by the instance, valid until the next
   * call): {"summary": "one line", "units": [{"stream", "id", "start", "end"}, ...],
   * "estimated_ms": N}, "units" and "estimated_ms" optional. Cheap metadata requests (a
   * listing) are allowed, so it fails as sync() would (status and message).
   */
  etl_status (*plan)(void* self, etl_str catalog_json, etl_str state_json, etl_str* out_plan, etl_error* err);
} etl_source_api;

#define ETL_SOURCE_API_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_source_api, destroy) + sizeof(void*))
#define ETL_SOURCE_API_SIZE_1_2 ETL_CAST(uint32_t, offsetof(etl_source_api, plan) + sizeof(void*))

/**
 * A sink's callbacks. Static in the plugin. Required: create, write, flush, destroy.
 * Optional: restore, checkpoint, and (1.1) acknowledged, finish.
 * A sink that keeps no position of its own (its output is then at-least-once across
 * crashes) leaves restore and checkpoint NULL, or has checkpoint return empty text (what
 * the C++ layer does by default).
 *
 * Call order on one instance (identity() may come at any point between create and destroy):
 *   create -> [reset (--full-refresh)] -> restore(committed or empty) -> [acknowledged]
 *          -> { write | checkpoint | flush | acknowledged }* -> [finish] -> [flush | acknowledged]*
 *          -> [restore(committed) when the run failed or was stopped] -> destroy
 * After the sink itself returned ETL_E_CLOSED the host makes no further call but destroy.
 */
typedef struct etl_sink_api {
  /** sizeof(etl_sink_api) as the plugin compiled it. */
  uint32_t struct_size;
  /** Creates an instance; as etl_source_api.create (validate, no output touched yet). */
  etl_status (*create)(const etl_host_api* host, etl_str config_json, void** out_self, etl_error* err);
  /**
   * Brings the output back to `checkpoint_json` (borrowed): text this sink returned from
   * checkpoint() in an earlier run and the host committed. Anything written after that
   * point (by a run that crashed or failed) must be discarded. Empty means "no committed
   * checkpoint": keep existing output and append. Called once before the first write(),
   * and again at the end of a failed or stopped run with the last committed checkpoint.
   * Return ETL_E_INVALID_STATE with a clear message when the output no longer matches
   * the checkpoint (e.g. a file is shorter than committed).
   */
  etl_status (*restore)(void* self, etl_str checkpoint_json, etl_error* err);
  /**
   * Writes `count` messages (array of pointers, borrowed for the call) in order: SCHEMA,
   * RECORD and STATE (a sink that forwards Singer messages writes STATE too; others ignore
   * it). May buffer. The host guarantees a stream's SCHEMA precedes its RECORDs.
   * Return ETL_E_CLOSED when the consumer went away.
   */
  etl_status (*write)(void* self, const etl_message* const* messages, size_t count, etl_error* err);
  /**
   * Describes the position after everything written so far as one valid JSON value (e.g.
   * each file's length; the host embeds it in the state file), in *out_checkpoint; size 0
   * means "no position". The text is owned by the instance and valid until
   * the next call on it. Need not be durable yet: the host commits it only after a
   * successful flush(), which may come after further writes. Called right after restore()
   * (the baseline) and right after each write() that carried a STATE.
   */
  etl_status (*checkpoint)(void* self, etl_str* out_checkpoint, etl_error* err);
  /**
   * The durability barrier: when it returns ETL_OK, everything written before the call is
   * durable (fsync'd files; a flushed stdout). The host commits state only after it.
   */
  etl_status (*flush)(void* self, etl_error* err);
  /**
   * Frees the instance. The host calls flush() (and, on failure, restore()) first; destroy
   * itself writes nothing further that a checkpoint would need. Must not fail.
   */
  void (*destroy)(void* self);

  /* ---- Added in 1.1 (read only when ETL_HAS_FIELD says the plugin filled them) ---- */

  /**
   * Optional. How many of the STATE messages written to this instance so far (numbered 1,
   * 2, 3... in write() order since create) are durable downstream, in *out_states: e.g. the
   * Singer target emitted that STATE's value, or a later one's. Never decreases, never
   * exceeds the number of STATEs written. Must not block: it reports what is known now
   * (a thread of the sink may learn it; this call only reads it).
   * ETL_E_NOT_IMPLEMENTED (or NULL): flush() is this instance's acknowledgement, as in 1.0;
   * the host asks once, right after the first restore(), and keeps that answer for the run.
   * Otherwise the host calls it after write()s, flush()es and finish(), and commits the
   * pair of STATE n only once it reported n or more (section 7). Any other failure fails
   * the run like a failed write.
   */
  etl_status (*acknowledged)(void* self, uint64_t* out_states, etl_error* err);
  /**
   * Optional (NULL: nothing to do). Called once per run, when no write() will follow: after
   * the source finished, failed or was stopped, before the final flush() / acknowledged()
   * and before any restore(). The sink delivers what it holds and lets the downstream
   * finish (closes a target's stdin and waits for it to exit), so that acknowledged() is
   * final when it returns. `flags` has ETL_FINISH_ABORTED when the run failed or was
   * stopped: the sink may then stop the downstream sooner (after a grace period), but still
   * reports every acknowledgement it received. A downstream that failed is reported here as
   * ETL_E_DOWNSTREAM; what was acknowledged before the failure still counts.
   */
  etl_status (*finish)(void* self, uint32_t flags, etl_error* err);

  /* ---- Added in 1.2 ---- */

  /**
   * Optional (NULL or ETL_E_NOT_IMPLEMENTED: no identity). Where the output goes, as one
   * JSON object in *out_identity, owned by the instance, valid until the next call: e.g.
   * {"location": "/abs/path/of/output_dir"} (absolute, canonical). "location" is what the
   * host shows the user as where the data went. As etl_source_api.identity otherwise: no
   * I/O beyond resolving a path, no secrets, recorded in the state file (section 7).
   */
  etl_status (*identity)(void* self, etl_str* out_identity, etl_error* err);
  /**
   * Optional (NULL: `--full-refresh` is refused for this sink). Discards the output this
   * instance's config addresses (csv: removes its files), so the run writes it afresh.
   * Called at most once, right after create() and before restore(empty), and only after
   * the host committed an empty state (section 7). A sink whose output already left the
   * process (singer) returns ETL_OK and logs what the downstream must do.
   */
  etl_status (*reset)(void* self, etl_error* err);
} etl_sink_api;

#define ETL_SINK_API_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_sink_api, destroy) + sizeof(void*))
#define ETL_SINK_API_SIZE_1_1 ETL_CAST(uint32_t, offsetof(etl_sink_api, finish) + sizeof(void*))
#define ETL_SINK_API_SIZE_1_2 ETL_CAST(uint32_t, offsetof(etl_sink_api, reset) + sizeof(void*))

/** finish() flag: the run failed or was stopped; no further STATE will be written. */
#define ETL_FINISH_ABORTED 0x1u

/* ---------------------------------------------------------------------------------------
 * The descriptor and the entry point
 * ------------------------------------------------------------------------------------- */

#define ETL_KIND_SOURCE 1u
#define ETL_KIND_SINK 2u

/**
 * What a plugin is. Static and read-only in the plugin: the descriptor and every pointer
 * in it stay valid until the host dlcloses the library.
 */
typedef struct etl_plugin {
  /** sizeof(etl_plugin) as the plugin compiled it. */
  uint32_t struct_size;
  /** The ETL_ABI_VERSION the plugin was built against. */
  uint32_t abi_version;
  /** ETL_KIND_SOURCE or ETL_KIND_SINK. */
  uint32_t kind;
  /** The plugin's name, [a-z0-9_-]+; the library file is etl-<name>.so. */
  const char* name;
  /** The plugin's own version, semver ("1.4.2"). */
  const char* version;
  /** One line: what it reads or writes. */
  const char* description;
  /** The config spec: `config_field_count` pointers to fields. May be NULL when count is 0. */
  const etl_config_field* const* config_fields;
  size_t config_field_count;
  /** The callbacks: exactly one of these is non-NULL, matching `kind`. */
  const etl_source_api* source;
  const etl_sink_api* sink;
} etl_plugin;

#define ETL_PLUGIN_SIZE_1_0 ETL_CAST(uint32_t, offsetof(etl_plugin, sink) + sizeof(void*))

/**
 * The one exported symbol. The host calls it right after dlopen, possibly only to list
 * plugins, so it must have NO side effects: no I/O, no threads, no allocation that
 * outlives the call, no change to global state. It may be called more than once, from any
 * thread.
 *
 * `host_abi_version` is the host's ETL_ABI_VERSION. A plugin whose major differs returns
 * ETL_E_ABI_MISMATCH with a message naming both versions. Otherwise it stores its static
 * descriptor in *out_plugin and returns ETL_OK. A host with a smaller minor reads only the
 * fields it knows; a plugin may use host services newer than 1.0 only after checking them.
 */
typedef etl_status (*etl_plugin_entry_fn)(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err);

ETL_EXPORT etl_status etl_plugin_entry(uint32_t host_abi_version, const etl_plugin** out_plugin, etl_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETLHOST_PLUGIN_H */

/*
 * etlhost/plugin_util.h: small static inline helpers for plugins written in C.
 *
 * Optional. Everything here is built only on the public ABI in plugin.h, so a plugin that
 * uses these helpers has exactly the same binary interface as one that does not.
 */
#ifndef ETLHOST_PLUGIN_UTIL_H
#define ETLHOST_PLUGIN_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "etlhost/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A borrowed view of a NUL-terminated string (NULL gives the empty view). */
static inline etl_str etl_str_of(const char* text) {
  etl_str s;
  s.data = text;
  s.size = text ? strlen(text) : 0;
  return s;
}

/**
 * Fills a host-owned error: code, detail and a printf-style message (truncated to fit,
 * never cut inside a UTF-8 sequence). Returns `code`, so a callback can end with
 * `return etl_set_error(err, ETL_E_INVALID_ARGUMENT, 0, "...", ...);`.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static inline etl_status etl_set_error(etl_error* err, etl_status code, int32_t detail,
                                       const char* format, ...) {
  if (err == NULL || err->struct_size < ETL_ERROR_SIZE_1_0) return code;
  err->code = code;
  err->detail = detail;
  va_list args;
  va_start(args, format);
  int written = vsnprintf(err->message, ETL_ERROR_MESSAGE_CAPACITY, format, args);
  va_end(args);
  if (written >= (int)ETL_ERROR_MESSAGE_CAPACITY) {
    /* Truncated: step back over any partial UTF-8 sequence at the end. */
    size_t end = ETL_ERROR_MESSAGE_CAPACITY - 1;
    while (end > 0 && (((unsigned char)err->message[end]) & 0xC0u) == 0x80u) --end;
    err->message[end] = '\0';
  }
  return code;
}

/** Logs a printf-style line through the host (no-op when host or log is NULL). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void etl_logf(const etl_host_api* host, int32_t level, const char* format, ...) {
  if (host == NULL || host->log == NULL) return;
  char line[1024];
  va_list args;
  va_start(args, format);
  int written = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (written < 0) return;
  etl_str message;
  message.data = line;
  message.size = (size_t)written < sizeof line ? (size_t)written : sizeof line - 1;
  host->log(host->host_ctx, level, message);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETLHOST_PLUGIN_UTIL_H */

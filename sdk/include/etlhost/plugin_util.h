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

/**
 * How many of the `size` bytes of `text` fit in `max` bytes without cutting a UTF-8
 * sequence: `size` when all fit, else `max` stepped back to the start of the sequence the
 * cut would split. The one truncation rule of the SDK: plugins (in C or through plugin.hpp)
 * and the host all cut with it.
 */
static inline size_t etl_utf8_prefix_size(const char* text, size_t size, size_t max) {
  if (size <= max) return size;
  size_t n = max;
  while (n > 0 && (ETL_CAST(unsigned char, text[n]) & 0xC0u) == 0x80u) --n;
  return n;
}

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
static inline etl_status
etl_set_error(etl_error* err, etl_status code, int32_t detail, const char* format, ...) {
  if (err == NULL || err->struct_size < ETL_ERROR_SIZE_1_0) return code;
  err->code = code;
  err->detail = detail;
  /* One byte more than fits, so the byte the cut would drop is still there to look at. */
  char text[ETL_ERROR_MESSAGE_CAPACITY + 1];
  va_list args;
  va_start(args, format);
  int written = vsnprintf(text, sizeof text, format, args);
  va_end(args);
  size_t size = written < 0 ? 0 : ETL_CAST(size_t, written);
  if (size > sizeof text - 1) size = sizeof text - 1;
  size_t kept = etl_utf8_prefix_size(text, size, ETL_ERROR_MESSAGE_CAPACITY - 1);
  memcpy(err->message, text, kept);
  err->message[kept] = '\0';
  return code;
}

/** Logs a printf-style line through the host (no-op when host or log is NULL). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void
etl_logf(const etl_host_api* host, int32_t level, const char* format, ...) {
  if (host == NULL || host->log == NULL) return;
  char line[1024];
  va_list args;
  va_start(args, format);
  int written = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (written < 0) return;
  etl_str message;
  message.data = line;
  message.size = ETL_CAST(size_t, written) < sizeof line ? ETL_CAST(size_t, written) : sizeof line - 1;
  host->log(host->host_ctx, level, message);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ETLHOST_PLUGIN_UTIL_H */

// JSON logs for the in-cluster components (pino to stdout, no transports: they start worker
// threads and break when bundled). The CLI never logs this way: it writes text to stderr.
// Redaction is a second line of defence; the first is never putting a credential in a log field.

import { pino, type Logger } from 'pino';

export type { Logger };

/** Field paths whose values are replaced wherever they appear in a log object. */
const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'auth',
  'identitytoken',
  '*.authorization',
  '*.password',
  '*.token',
  '*.auth',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-hub-signature-256"]',
];

export interface LoggerOptions {
  readonly level?: string;
  readonly component: string;
  /** Where lines go; stdout by default (tests pass a stream to read them back). */
  readonly destination?: NodeJS.WritableStream;
}

/** Creates the process logger for one component. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { component: options.component },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

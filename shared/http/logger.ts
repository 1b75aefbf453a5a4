/**
 * The HTTP layer's structured logger: one JSON object per line on stdout (CloudWatch in the cloud, the
 * terminal under `npm start`), `{timestamp, level, service, message, ...fields}`.
 *
 * Fields are ids, stages, codes and timings only — never a value a person typed (the callers' rule; see
 * DESIGN.md). The level threshold comes from `LOG_LEVEL` or Lambda's own `AWS_LAMBDA_LOG_LEVEL`
 * (DEBUG, INFO, WARN, ERROR; INFO when unset or unknown).
 *
 * Deliberately tiny: it replaced a logging library that added 20 KB to every Lambda bundle for three methods.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export function levelFrom(value: string | undefined): LogLevel {
  const level = value?.trim().toUpperCase();
  return level && level in RANK ? (level as LogLevel) : 'INFO';
}

export interface LoggerOptions {
  service: string;
  /** Lowest level written; defaults to `LOG_LEVEL` / `AWS_LAMBDA_LOG_LEVEL` from the environment. */
  level?: LogLevel;
  /** Where a line goes (without its newline); stdout by default. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold =
    RANK[options.level ?? levelFrom(process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL)];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    write(
      JSON.stringify({
        ...fields,
        timestamp: new Date().toISOString(),
        level,
        service: options.service,
        message,
      }),
    );
  };
  return { debug: log('DEBUG'), info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}

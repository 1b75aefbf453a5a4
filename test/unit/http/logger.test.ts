import { describe, expect, it } from 'vitest';
import { createLogger, levelFrom } from '#http/logger.ts';

function capture(level?: Parameters<typeof createLogger>[0]['level']) {
  const lines: string[] = [];
  const logger = createLogger({ service: 'peerpath-test', level, write: (line) => lines.push(line) });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('http logger', () => {
  it('writes one JSON object per call with timestamp, level, service, message and the fields', () => {
    const { logger, parsed } = capture('DEBUG');

    logger.info('referral accessed', { referralId: 'r1', route: 'getReferral' });

    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'peerpath-test',
      message: 'referral accessed',
      referralId: 'r1',
      route: 'getReferral',
    });
    expect(Date.parse(String(line?.timestamp))).not.toBeNaN();
  });

  it('drops calls below the threshold', () => {
    const { logger, parsed } = capture('WARN');

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(parsed().map((line) => line.level)).toEqual(['WARN', 'ERROR']);
  });

  it('never lets a field replace the level, service or message', () => {
    const { logger, parsed } = capture('INFO');

    logger.error('unhandled error', { level: 'DEBUG', service: 'x', message: 'y' });

    expect(parsed()[0]).toMatchObject({
      level: 'ERROR',
      service: 'peerpath-test',
      message: 'unhandled error',
    });
  });

  it('reads the threshold from the environment names, INFO when unset or unknown', () => {
    expect(levelFrom('warn')).toBe('WARN');
    expect(levelFrom(' ERROR ')).toBe('ERROR');
    expect(levelFrom(undefined)).toBe('INFO');
    expect(levelFrom('verbose')).toBe('INFO');
  });
});
